namespace WebDiffusion.Server.SdApi;

/// <summary>A1111's error body (<c>{error, detail, body, errors}</c>) with our status codes.</summary>
public static class SdApiResults
{
    /// <summary>An error response whose <c>detail</c> says what to do.</summary>
    public static IResult Error(int status, string error, string detail) =>
        Results.Json(new { error, detail, body = (string?)null, errors = detail }, statusCode: status);

    /// <summary>FastAPI answers <c>null</c> for routes that return nothing (refresh-*, POST options).</summary>
    public static IResult Null() => Results.Content("null", "application/json");
}
