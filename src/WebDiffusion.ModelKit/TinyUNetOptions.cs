namespace WebDiffusion.ModelKit;

/// <summary>What varies between the generated unets.</summary>
internal sealed record TinyUNetOptions(bool Half, int InChannels, TimestepKind Timestep, string? ExternalWeightsFile);
