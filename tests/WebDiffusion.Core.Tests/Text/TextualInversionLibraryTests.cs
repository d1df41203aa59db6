using WebDiffusion.Core.Text.Embeddings;

namespace WebDiffusion.Core.Tests.Text;

public sealed class TextualInversionLibraryTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wd-emb-" + Guid.NewGuid().ToString("N"));

    public TextualInversionLibraryTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Loads_safetensors_in_all_dtypes_and_refuses_pickles()
    {
        SafetensorsTestFile.Write(Path.Combine(_folder, "alpha.safetensors"), ("emb_params", "F32", [2, 3], SafetensorsTestFile.F32(1, 2, 3, 4, 5, 6)));
        SafetensorsTestFile.Write(Path.Combine(_folder, "beta.safetensors"), ("string_to_param.*", "F16", [1, 3], SafetensorsTestFile.F16(0.5f, -1.5f, 2)));
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        SafetensorsTestFile.Write(Path.Combine(_folder, "sub", "gamma.safetensors"), ("whatever", "BF16", [3], SafetensorsTestFile.BF16(1, -2, 0.25f)));
        SafetensorsTestFile.Write(Path.Combine(_folder, "two.safetensors"), ("a", "F32", [1, 3], SafetensorsTestFile.F32(1, 2, 3)), ("b", "F32", [1, 3], SafetensorsTestFile.F32(1, 2, 3)));
        File.WriteAllBytes(Path.Combine(_folder, "evil.pt"), [0x80, 0x02]);
        File.WriteAllBytes(Path.Combine(_folder, "broken.safetensors"), [255, 255, 255, 255, 255, 255, 255, 255, 1]);

        var library = TextualInversionLibrary.Load(_folder);
        var byName = library.Embeddings.ToDictionary(e => e.Name);
        Assert.Equal(["alpha", "beta", "gamma"], byName.Keys.Order());
        Assert.Equal([1f, 2, 3, 4, 5, 6], byName["alpha"].Vectors.ToArray());
        Assert.Equal(2, byName["alpha"].VectorCount);
        Assert.Equal(3, byName["alpha"].Dimension);
        Assert.Equal([0.5f, -1.5f, 2], byName["beta"].Vectors.ToArray());
        Assert.Equal([1f, -2, 0.25f], byName["gamma"].Vectors.ToArray());
        Assert.Equal(1, byName["gamma"].VectorCount);

        var skipped = library.Skipped.ToDictionary(s => s.Name);
        Assert.Contains("pickle", skipped["evil"].Reason, StringComparison.Ordinal);
        Assert.Contains("the header claims", skipped["broken"].Reason, StringComparison.Ordinal);
        Assert.Contains("2 tensors", skipped["two"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconsistent_offsets_are_rejected()
    {
        var path = Path.Combine(_folder, "bad.safetensors");
        SafetensorsTestFile.Write(path, ("emb_params", "F32", [4, 3], SafetensorsTestFile.F32(1, 2, 3)));
        Assert.ThrowsAny<WebDiffusion.Core.Checkpoints.CheckpointFormatException>(() => TextualInversionLibrary.LoadFile(path));
    }

    [Fact]
    public void Missing_folder_is_an_empty_library()
    {
        var library = TextualInversionLibrary.Load(Path.Combine(_folder, "absent"));
        Assert.Empty(library.Embeddings);
        Assert.Empty(library.Skipped);
    }
}
