using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Pipeline;

/// <summary>
/// The tiny fp32 model written to a temp folder and opened the way the server opens a model (intra-op threads =
/// processor count, default previews every 250 ms), plus helpers to time one UNet call and one pipeline run.
/// ONNX Runtime comes from the Microsoft.ML.OnnxRuntime package.
/// </summary>
public sealed class TinyPipeline : IDisposable
{
    private readonly string _folder;
    private readonly OrtRuntime _runtime;
    private readonly ModelSet _model;

    public TinyPipeline()
    {
        _folder = Directory.CreateTempSubdirectory("wd-bench-pipeline-").FullName;
        TinyModelWriter.WriteModel(_folder, TinyModelVariant.Fp32, f => ClipTokenizer.Default.WriteHuggingFaceFiles(f));
        _runtime = OrtRuntime.Load();
        var description = ModelFolderReader.Describe(_folder, null);
        _model = ModelSet.Open(description, _runtime, new OrtSessionOptions { IntraOpThreads = Math.Max(1, Environment.ProcessorCount) });
        _model.OpenAll();
        Context = new GenerationContext
        {
            Model = _model,
            Tokenizer = ClipTokenizer.FromDirectory(Path.Combine(_folder, "tokenizer")),
            Schedule = GenerationContext.ReadSchedule(description),
            Version = "bench",
        };
        Pipeline = new StableDiffusionPipeline(Context);
    }

    public GenerationContext Context { get; }

    public StableDiffusionPipeline Pipeline { get; }

    public UNet UNet => _model.UNet;

    /// <summary>A txt2img request at <paramref name="imageSize"/>² pixels with CFG (so the UNet runs at batch 2).</summary>
    public static GenerationRequest Txt2Img(int imageSize, string sampler, int steps) => new()
    {
        Prompt = "a lighthouse at dusk, oil painting",
        NegativePrompt = "blurry",
        SamplerName = sampler,
        Steps = steps,
        CfgScale = 7,
        Width = imageSize,
        Height = imageSize,
        Seed = 1234,
    };

    /// <summary>Buffers for a CFG batch-2 UNet call at <paramref name="latentSize"/>² latents.</summary>
    public UNetCall NewUNetCall(int latentSize) => new(_model.UNet, latentSize);

    public Task<GenerationResult> RunAsync(GenerationRequest request, IGenerationObserver? observer = null) =>
        Pipeline.RunAsync(request, observer ?? NullObserver.Instance, null, CancellationToken.None);

    public void Dispose()
    {
        _model.Dispose();
        _runtime.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One UNet call of batch 2 (cond + uncond), 4 channels, 77 tokens, with its own buffers.</summary>
    public sealed class UNetCall(UNet unet, int latentSize)
    {
        private readonly float[] _sample = Filled(2 * 4 * latentSize * latentSize);
        private readonly float[] _context = Filled(2 * 77 * unet.ContextSize);
        private readonly float[] _output = new float[2 * 4 * latentSize * latentSize];

        public void Run() => unet.Predict(_sample, 2, 4, latentSize, latentSize, 500f, _context, 77, _output);

        private static float[] Filled(int length)
        {
            var values = new float[length];
            var random = new Random(7);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return values;
        }
    }

    /// <summary>Records when each step ends; the intervals between consecutive steps are the wall time per step.</summary>
    public sealed class StepClock : IGenerationObserver
    {
        private readonly List<long> _stamps = [];

        /// <summary>Milliseconds between consecutive steps (the first step, which follows the text encoder, is left out).</summary>
        public IEnumerable<double> Intervals() =>
            _stamps.Zip(_stamps.Skip(1), (a, b) => (b - a) * 1000.0 / System.Diagnostics.Stopwatch.Frequency);

        public void OnStep(GenerationStep step) => _stamps.Add(System.Diagnostics.Stopwatch.GetTimestamp());

        public Task OnImageAsync(GeneratedImage image, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Drops progress and images (the server's observer encodes PNGs; that cost is measured by the server benchmarks).</summary>
    private sealed class NullObserver : IGenerationObserver
    {
        public static readonly NullObserver Instance = new();

        public void OnStep(GenerationStep step)
        {
        }

        public Task OnImageAsync(GeneratedImage image, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
