namespace WebDiffusion.Server.SdApi;

/// <summary>Why an Extras request is refused: the HTTP status and a sentence naming the field or limit.</summary>
public sealed record ExtrasProblem(int Status, string Error, string Detail)
{
    /// <summary>The A1111-shaped error response.</summary>
    public IResult ToResult() => SdApiResults.Error(Status, Error, Detail);

    public static ExtrasProblem Unprocessable(string detail) => new(StatusCodes.Status422UnprocessableEntity, "Invalid request", detail);

    public static ExtrasProblem BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);
}
