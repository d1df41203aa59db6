using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

public sealed class SessionErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly OrtSession _session;

    public SessionErrorTests()
    {
        var g = new OnnxGraphBuilder("clip-like");
        g.Input("input_ids", TensorElementType.Int32, 1, 77);
        g.Node("Cast", ["input_ids"], ["last_hidden_state"], OnnxAttribute.Int("to", (long)TensorElementType.Float));
        g.Output("last_hidden_state", TensorElementType.Float, 1, 77);
        _session = TestModels.Open(_folder, g, "text_encoder.onnx");
    }

    public void Dispose()
    {
        _session.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void A_missing_model_file_names_the_path()
    {
        var missing = _folder.File("nowhere/model.onnx");
        var ex = Assert.Throws<FileNotFoundException>(() => OrtTestLibrary.Runtime.CreateSession(missing));
        Assert.Equal(missing, ex.FileName);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_an_OrtException_naming_it()
    {
        var path = _folder.File("broken.onnx");
        File.WriteAllText(path, "not a protobuf at all");
        var ex = Assert.Throws<OrtException>(() => OrtTestLibrary.Runtime.CreateSession(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.NotEqual(OrtErrorCode.Ok, ex.ErrorCode);
    }

    [Fact]
    public void A_wrong_input_name_lists_the_expected_inputs()
    {
        using var ids = OrtTensor.Create(new int[77], [1, 77]);
        var ex = Assert.Throws<ArgumentException>(() => _session.Run([new("input_idz", ids)], ["last_hidden_state"]));
        Assert.Contains("text_encoder.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'input_idz'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("input_ids: int32[1,77]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_output_name_lists_the_expected_outputs()
    {
        using var ids = OrtTensor.Create(new int[77], [1, 77]);
        var ex = Assert.Throws<ArgumentException>(() => _session.Run([new("input_ids", ids)], ["hidden"]));
        Assert.Contains("last_hidden_state: float32[1,77]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_dtype_says_what_was_expected_and_given()
    {
        using var ids = OrtTensor.Create(new long[77], [1, 77]);
        var ex = Assert.Throws<ArgumentException>(() => _session.Run([new("input_ids", ids)], ["last_hidden_state"]));
        Assert.Contains(_session.ModelPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'input_ids' expects int32[1,77], got int64[1,77]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("element type", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_rank_says_what_was_expected_and_given()
    {
        using var ids = OrtTensor.Create(new int[77], [77]);
        var ex = Assert.Throws<ArgumentException>(() => _session.Run([new("input_ids", ids)], ["last_hidden_state"]));
        Assert.Contains(_session.ModelPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'input_ids' expects int32[1,77], got int32[77]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rank (2 dimensions expected, 1 given)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_fixed_dimension_is_refused_before_ORT()
    {
        using var ids = OrtTensor.Create(new int[76], [1, 76]);
        var ex = Assert.Throws<ArgumentException>(() => _session.Run([new("input_ids", ids)], ["last_hidden_state"]));
        Assert.Contains("dimension 1 (77 expected, 76 given)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_is_reported_by_ORT_with_the_model_path()
    {
        var ex = Assert.Throws<OrtException>(() => _session.Run([], ["last_hidden_state"]));
        Assert.Contains(_session.ModelPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("input_ids", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Buffer_and_shape_sizes_must_agree()
    {
        var ex = Assert.Throws<ArgumentException>(() => OrtTensor.Create(new float[5], [2, 3]));
        Assert.Contains("needs 6 elements", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_twice_is_safe_and_use_after_dispose_throws()
    {
        var session = TestModels.Open(_folder, TestModels.Add(2), "twice.onnx");
        var tensor = OrtTensor.Create(new float[] { 1, 2 }, [2]);
        var binding = session.CreateIoBinding();
        binding.Dispose();
        binding.Dispose();
        session.Dispose();
        session.Dispose();
        tensor.Dispose();
        tensor.Dispose();
        Assert.True(session.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => tensor.GetSpan<float>());
        Assert.Throws<ObjectDisposedException>(() => session.CreateIoBinding());
        using var fresh = OrtTensor.Create(new float[] { 1, 2 }, [2]);
        Assert.ThrowsAny<ObjectDisposedException>(() => session.Run([new("a", fresh), new("b", fresh)], ["y"]));
    }
}
