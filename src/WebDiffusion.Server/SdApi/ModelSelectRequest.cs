namespace WebDiffusion.Server.SdApi;

/// <summary>Body of <c>POST /api/models/select</c>: a model name from <c>GET /api/models</c>, or null for none.</summary>
public sealed record ModelSelectRequest(string? Name);
