using OaiRouter.Host;

var app = RouterApp.Build(args);
await app.RunAsync();
