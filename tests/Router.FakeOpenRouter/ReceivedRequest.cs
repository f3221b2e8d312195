namespace OaiRouter.FakeOpenRouter;

/// <summary>
/// One completion request as the fake received it (POST /chat/completions and POST /completions only).
/// </summary>
/// <param name="Method">HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">Full request path including the <c>/api/v1</c> prefix.</param>
/// <param name="Query">Raw query string including the leading <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers; keys compare case-insensitively, repeated headers are joined with <c>", "</c>.</param>
/// <param name="Body">Request body decoded as UTF-8.</param>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body);
