using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Imaging.Preview;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Checkpoints.Pipeline;

/// <summary>The sd-reference checkpoints (fp32 and fp16) opened once as models, the way the server loads them.</summary>
public sealed class CheckpointModelFixture : IDisposable
{
    private readonly Dictionary<bool, ModelSet> _models = [];
    private readonly Lock _gate = new();
    private readonly TempFolder _folder = new();
    private readonly (string Fp32, string Fp16) _files;

    public CheckpointModelFixture() => _files = SdReferenceInstall.Into(_folder.Path);

    /// <summary>The model set of the fp32 or fp16 checkpoint.</summary>
    public ModelSet Model(bool fp16)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(fp16, out var model))
            {
                var path = fp16 ? _files.Fp16 : _files.Fp32;
                var description = CheckpointFileReader.Describe(path, Path.GetFileName(path), null);
                Assert.Null(description.Error);
                model = ModelSet.OpenCheckpoint(description, ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 });
                _models[fp16] = model;
            }

            return model;
        }
    }

    /// <summary>A pipeline context over the checkpoint with A1111's CPU noise source and every step previewed.</summary>
    public GenerationContext Context(bool fp16, ILatentPreviewer? previewer = null)
    {
        var model = Model(fp16);
        return new GenerationContext
        {
            Model = model,
            Tokenizer = ModelTokenizers.For(model.Description),
            Schedule = GenerationContext.ReadSchedule(model.Description),
            RandnSource = RandnSource.Cpu,
            Previewer = previewer,
            PreviewInterval = TimeSpan.Zero,
            Version = "test",
        };
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }

        _folder.Dispose();
    }
}
