namespace WebDiffusion.Server.Security;

/// <summary>The JSON body of POST /login (a form post uses the same field names).</summary>
public sealed record LoginRequest(string? Username, string? Password, string? ReturnUrl);
