namespace WebDiffusion.Onnx.Tests.Infrastructure;

/// <summary>Tests that measure process-wide state (handle counts, RSS, CPU time) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial ORT";
}
