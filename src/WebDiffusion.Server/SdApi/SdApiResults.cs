namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111's error body with our status codes, in one shape for every /sdapi error (validation, unsupported fields, missing
/// models, bad JSON): <c>{error, detail, body, errors}</c> where <c>error</c> names the kind, <c>detail</c> is every message
/// as one sentence, <c>body</c> is null (the request is not echoed) and <c>errors</c> maps each field to its messages.
/// </summary>
public static class SdApiResults
{
    /// <summary>The field named for problems of the request as a whole (bad JSON, too large, not an object).</summary>
    public const string BodyField = "body";

    /// <summary>An error about one <paramref name="field"/> whose <c>detail</c> says what to do.</summary>
    public static IResult Error(int status, string error, string detail, string field = BodyField) =>
        Problems(status, error, new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [detail] });

    /// <summary>An error listing every problem by field.</summary>
    public static IResult Problems(int status, string error, IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var detail = string.Join(" ", errors.SelectMany(e => e.Value));
        return Results.Json(new { error, detail, body = (string?)null, errors }, statusCode: status);
    }

    /// <summary>FastAPI answers <c>null</c> for routes that return nothing (refresh-*, POST options).</summary>
    public static IResult Null() => Results.Content("null", "application/json");
}
