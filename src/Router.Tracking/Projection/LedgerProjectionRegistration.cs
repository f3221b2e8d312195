using Akka.Hosting;
using OaiRouter.Actors.Ledger;

namespace OaiRouter.Tracking.Projection;

/// <summary>Wires the Ledger's read side; pairs with <see cref="LedgerRegistration.AddRouterLedger"/>.</summary>
public static class LedgerProjectionRegistration
{
    /// <summary>
    /// Starts the projection that keeps <c>requests</c> and <c>requests_fts</c> in step with the
    /// journal (registered as <see cref="LedgerProjectionActor"/>) and the periodic retention job
    /// (registered as <see cref="RequestsRetentionActor"/>), which also has the Ledger prune journal
    /// events past body retention. Call after <c>AddRouterLedger</c>.
    /// </summary>
    public static AkkaConfigurationBuilder AddLedgerProjection(this AkkaConfigurationBuilder builder, LedgerSettings settings) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var time = resolver.GetService<TimeProvider>() ?? TimeProvider.System;
            registry.Register<LedgerProjectionActor>(
                system.ActorOf(LedgerProjectionActor.Props(settings, resolver.GetService<LedgerBacklog>()), "ledger-projection"));
            registry.TryGet<LedgerActor>(out var ledger);
            registry.Register<RequestsRetentionActor>(
                system.ActorOf(RequestsRetentionActor.Props(settings, time, ledger), "ledger-retention"));
        });
}
