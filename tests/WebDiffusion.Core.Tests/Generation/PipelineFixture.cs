using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Generation;

/// <summary>Tiny models written once for the pipeline tests, opened lazily.</summary>
public sealed class PipelineFixture : IDisposable
{
    private readonly ModelTestFolders _folders = new();
    private readonly Dictionary<TinyModelVariant, ModelSet> _models = [];
    private readonly Lock _gate = new();

    public GenerationContext Context(TinyModelVariant variant)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(variant, out var model))
            {
                var folder = _folders.Write(variant.ToString().ToLowerInvariant(), variant);
                var description = ModelFolderReader.Describe(folder, null);
                model = ModelSet.Open(description, ModelTestFolders.Runtime);
                _models[variant] = model;
            }

            return new GenerationContext
            {
                Model = model,
                Tokenizer = ClipTokenizer.FromDirectory(Path.Combine(model.Description.Folder, "tokenizer")),
                Schedule = GenerationContext.ReadSchedule(model.Description),
                Version = "test",
                PreviewInterval = TimeSpan.Zero,
            };
        }
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }

        _folders.Dispose();
    }
}

/// <summary>Collects what a pipeline run reports.</summary>
public sealed class RecordingObserver : IGenerationObserver
{
    public List<GenerationStep> Steps { get; } = [];

    public List<GeneratedImage> Images { get; } = [];

    public Func<GeneratedImage, Task>? OnImage { get; init; }

    public Action<GenerationStep>? OnStepHook { get; init; }

    public void OnStep(GenerationStep step)
    {
        lock (Steps)
        {
            Steps.Add(step);
        }

        OnStepHook?.Invoke(step);
    }

    public async Task OnImageAsync(GeneratedImage image, CancellationToken cancellationToken)
    {
        Images.Add(image);
        if (OnImage is not null)
        {
            await OnImage(image);
        }
    }
}

/// <summary>A skip signal driven by the test.</summary>
public sealed class TestSkipSignal : ISkipSignal
{
    private CancellationTokenSource _cts = new();

    public CancellationToken Current => _cts.Token;

    public int Resets { get; private set; }

    public bool Interrupted { get; set; }

    public void Skip() => _cts.Cancel();

    public void Reset()
    {
        _cts = new CancellationTokenSource();
        Resets++;
    }
}

internal static class ImageAssert
{
    public static void Identical(RgbaImage expected, RgbaImage actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.True(expected.Pixels.AsSpan().SequenceEqual(actual.Pixels), "pixels differ");
    }
}
