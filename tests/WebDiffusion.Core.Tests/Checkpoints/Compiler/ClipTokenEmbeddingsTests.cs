using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Compiler;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

public sealed class ClipTokenEmbeddingsTests
{
    private const string Prefix = ClipTextLayout.Sd1KeyPrefix;
    private const string TableKey = Prefix + "embeddings.token_embedding.weight";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Table_has_the_checkpoint_sizes_and_rows(bool fp16)
    {
        using var tensors = SdReference.Open(fp16);
        var table = ClipTokenEmbeddings.Read(tensors, Prefix);

        Assert.Equal(49408, table.VocabularySize);
        Assert.Equal(64, table.Width);
        var all = tensors.ReadFloat32(TableKey);
        foreach (var id in new long[] { 0, 320, 2368, 49406, 49407 })
        {
            Assert.Equal(all.AsSpan((int)id * 64, 64).ToArray(), table.Row(id).ToArray());
        }
    }

    [Fact]
    public void Embedded_ids_plus_the_position_embedding_are_transformers_embeddings_output()
    {
        using var tensors = SdReference.Open();
        var table = ClipTokenEmbeddings.Read(tensors, Prefix);
        var ids = SdReference.Input("clip_input_ids").Int64s;
        var positions = tensors.ReadFloat32(Prefix + "embeddings.position_embedding.weight");

        var embedded = new float[ids.Length * table.Width];
        table.Embed(ids, embedded);

        // hidden_states[0] of the reference = token embedding + position embedding, for both rows.
        var reference = SdReference.Reference("clip_hidden_states").Floats.AsSpan(0, embedded.Length);
        for (var i = 0; i < embedded.Length; i++)
        {
            embedded[i] += positions[i % positions.Length];
        }

        Assert.Equal(0f, SdReference.MaxAbsDifference(reference, embedded));
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_refused_with_the_id_and_the_vocabulary_size()
    {
        using var tensors = SdReference.Open();
        var table = ClipTokenEmbeddings.Read(tensors, Prefix);
        var destination = new float[3 * table.Width];

        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => table.Embed([49406, 49408, 49407], destination));
        Assert.Contains("49408", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary of 49408", tooLarge.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => table.Row(-1));
        Assert.Contains("-1", negative.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => table.Embed([1, 2], destination));
    }

    [Fact]
    public void A_checkpoint_without_the_table_names_the_key()
    {
        using var folder = new TempFolder();
        using var source = SdReference.Open();
        var path = RekeyedCheckpoint.Write(Path.Combine(folder.Path, "no-table.safetensors"),
            [RekeyedCheckpoint.Copy(source, Prefix + "final_layer_norm.weight", Prefix + "final_layer_norm.weight")]);
        using var tensors = WebDiffusion.Core.Checkpoints.Safetensors.SafetensorsFile.Open(path);

        var error = Assert.Throws<CheckpointTensorMissingException>(() => ClipTokenEmbeddings.Read(tensors, Prefix));
        Assert.Equal(TableKey, error.Key);
    }
}
