using System.Text;
using WebDiffusion.Core.Checkpoints.Pickle;

namespace WebDiffusion.Core.Tests.Checkpoints.Pickle;

public sealed class TorchZipContainerTests
{
    private static string Data(params string[] parts) =>
        Path.Combine([SharedTestData.RepositoryRoot, "tests", "WebDiffusion.Core.Tests", "Checkpoints", "Pickle", "TestData", .. parts]);

    [Fact]
    public void A_torch_save_file_lists_its_pickle_version_and_storages()
    {
        using var stream = File.OpenRead(Data("state_dict.pt"));
        Assert.True(TorchZipContainer.LooksLikeZip(stream));
        var names = TorchZipContainer.ReadEntries(stream).Select(e => e.Name).ToList();
        Assert.Contains("state_dict/data.pkl", names);
                Assert.Contains(names, n => n.StartsWith("state_dict/data/", StringComparison.Ordinal));
        var version = TorchZipContainer.ReadEntries(stream).Single(e => e.Name == "state_dict/version");
        Assert.Equal("3\n", Encoding.ASCII.GetString(TorchZipContainer.ReadEntry(stream, version, 64)));
    }

    [Fact]
    public void A_stored_storage_entry_holds_the_float_bytes_torch_wrote()
    {
        using var stream = File.OpenRead(Data("hostile", "valid_handmade.pt"));
        var entry = TorchZipContainer.ReadEntries(stream).Single(e => e.Name == "archive/data/0");
        var floats = new float[4];
        Buffer.BlockCopy(TorchZipContainer.ReadEntry(stream, entry, 1024), 0, floats, 0, 16);
        Assert.Equal([1f, 2f, 3f, 4f], floats);
    }

    [Fact]
    public void A_deflate_bomb_is_refused_by_its_limit_before_it_is_inflated()
    {
        using var stream = File.OpenRead(Data("hostile", "zip_bomb.pt"));
        var entry = TorchZipContainer.ReadEntries(stream).Single(e => e.Name == "archive/data.pkl");
        Assert.True(entry.Size > 300_000_000);
        var error = Assert.Throws<TorchZipException>(() => TorchZipContainer.ReadEntry(stream, entry, 64L << 20));
        Assert.Contains("archive/data.pkl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_is_a_typed_error()
    {
        var bytes = File.ReadAllBytes(Data("state_dict.pt"));
        using var stream = new MemoryStream(bytes[..(bytes.Length / 2)]);
        Assert.Throws<TorchZipException>(() => TorchZipContainer.ReadEntries(stream));
    }

    [Fact]
    public void A_legacy_file_is_not_a_zip()
    {
        using var stream = File.OpenRead(Data("state_dict_legacy.pt"));
        Assert.False(TorchZipContainer.LooksLikeZip(stream));
    }
}
