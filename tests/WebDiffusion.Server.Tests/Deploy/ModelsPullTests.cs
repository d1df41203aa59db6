using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.Tests.Deploy;

public sealed class ModelsPullTests : IAsyncLifetime
{
    private const string Repo = "tiny-org/tiny-sd-onnx";
    private FakeHub _hub = null!;
    private string _repoFolder = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        _repoFolder = DeployTestApp.NewTempFolder("hubrepo");
        DeployTestApp.WriteTinyModel(_repoFolder);
        // Files a real repo has that the ONNX layout does not need.
        File.WriteAllText(Path.Combine(_repoFolder, "README.md"), "# tiny");
        File.WriteAllText(Path.Combine(_repoFolder, ".gitattributes"), "*.pb filter=lfs");
        File.WriteAllBytes(Path.Combine(_repoFolder, "unet", "diffusion_pytorch_model.safetensors"), new byte[4096]);
        Directory.CreateDirectory(Path.Combine(_repoFolder, "safety_checker"));
        File.WriteAllBytes(Path.Combine(_repoFolder, "safety_checker", "model.onnx"), new byte[2048]);
        _hub.AddRepo(Repo, _repoFolder);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_repoFolder, recursive: true);
    }

    private DeployTestApp NewApp(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["WebDiffusion:HubBaseUrl"] = _hub.BaseAddress.ToString() };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return DeployTestApp.Create(settings);
    }

    [Fact]
    public async Task A_full_pull_lands_a_usable_model_with_only_the_onnx_layout_files()
    {
        await using var app = NewApp();

        var (code, output) = await app.RunVerbAsync("models", "pull", Repo, "--name", "tiny");

        Assert.True(code == 0, output);
        var folder = Path.Combine(app.CheckpointsDir, "tiny");
        var model = app.App.Services.GetRequiredService<ModelRegistry>().Refresh().Find("tiny");
        Assert.NotNull(model);
        Assert.Null(model.Error);
        foreach (var file in new[] { "model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "unet/model.onnx", "unet/weights.pb", "vae_encoder/model.onnx" })
        {
            Assert.Equal(FakeHub.Sha256Of(Path.Combine(_repoFolder, file)), FakeHub.Sha256Of(Path.Combine(folder, file)));
        }

        Assert.False(File.Exists(Path.Combine(folder, "README.md")));
        Assert.False(File.Exists(Path.Combine(folder, "unet", "diffusion_pytorch_model.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(folder, "safety_checker")));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.partial", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateDirectories(app.ModelsDir, ".pull-*"));
        Assert.Empty(Directory.EnumerateFiles(folder, ".pull-source.json", SearchOption.AllDirectories));
        Assert.Matches(@"\[\d+/\d+\] unet/weights\.pb .*\(100%\) .*/s  ETA", output);
        // Files were fetched at the commit the revision resolved to, and the tree was read across its pages.
        Assert.Contains(_hub.Requests, r => r.PathAndQuery.Contains("/resolve/" + FakeHub.CommitId + "/unet/weights.pb", StringComparison.Ordinal));
        Assert.Contains(_hub.Requests, r => r.PathAndQuery.Contains("cursor=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_cut_half_way_is_resumed_with_a_range_request()
    {
        await using var app = NewApp();
        _hub.CutOnce("unet/weights.pb");

        var (code, output) = await app.RunVerbAsync("models", "pull", Repo, "--name", "resumed");

        Assert.True(code == 0, output);
        var range = Assert.Single(_hub.RangesFor("unet/weights.pb"));
        var size = new FileInfo(Path.Combine(_repoFolder, "unet", "weights.pb")).Length;
        Assert.Equal($"bytes={size / 2}-", range);
        Assert.Equal(FakeHub.Sha256Of(Path.Combine(_repoFolder, "unet", "weights.pb")),
            FakeHub.Sha256Of(Path.Combine(app.CheckpointsDir, "resumed", "unet", "weights.pb")));
    }

    [Fact]
    public async Task A_pull_that_gives_up_keeps_its_partial_folder_and_the_next_run_resumes_it()
    {
        await using var app = NewApp(("WebDiffusion:MaxAttempts", "1"));
        _hub.CutOnce("unet/weights.pb");

        var (failed, failure) = await app.RunVerbAsync("models", "pull", Repo, "--name", "later");

        Assert.Equal(1, failed);
        Assert.Contains("unet/weights.pb", failure, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app.CheckpointsDir, "later")));
        var partial = Path.Combine(app.ModelsDir, ".pull-later.partial", "unet", "weights.pb.partial");
        Assert.True(File.Exists(partial));
        Assert.True(new FileInfo(partial).Length > 0);

        var (code, output) = await app.RunVerbAsync("models", "pull", Repo, "--name", "later");

        Assert.True(code == 0, output);
        Assert.Single(_hub.RangesFor("unet/weights.pb"));
        Assert.Equal(FakeHub.Sha256Of(Path.Combine(_repoFolder, "unet", "weights.pb")),
            FakeHub.Sha256Of(Path.Combine(app.CheckpointsDir, "later", "unet", "weights.pb")));
        Assert.False(Directory.Exists(Path.Combine(app.ModelsDir, ".pull-later.partial")));
    }

    [Theory]
    [InlineData("unet/weights.pb")]
    [InlineData("model_index.json")]
    public async Task A_checksum_mismatch_is_rejected_the_bad_file_deleted_and_nothing_lands(string corrupted)
    {
        await using var app = NewApp();
        _hub.Corrupt[corrupted] = true;

        var (code, output) = await app.RunVerbAsync("models", "pull", Repo, "--name", "bad");

        Assert.Equal(1, code);
        Assert.Contains(corrupted + ": checksum mismatch", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(app.CheckpointsDir) && Directory.EnumerateFileSystemEntries(app.CheckpointsDir).Any());
        var partial = Path.Combine(app.ModelsDir, ".pull-bad.partial");
        Assert.False(File.Exists(Path.Combine(partial, corrupted)));
        Assert.False(File.Exists(Path.Combine(partial, corrupted + ".partial")));
    }

    [Fact]
    public async Task A_gated_repo_without_a_token_says_to_set_hf_token()
    {
        await using var app = NewApp();
        _hub.RequiredToken = "hf_needed";

        var (code, output) = await app.RunVerbAsync("models", "pull", Repo);

        Assert.Equal(1, code);
        Assert.Contains("HTTP 401", output, StringComparison.Ordinal);
        Assert.Contains("gated or private repo: set HF_TOKEN", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(app.ModelsDir) && Directory.EnumerateFileSystemEntries(app.ModelsDir, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task An_unknown_repo_says_repo_or_revision_not_found()
    {
        await using var app = NewApp();

        var (code, output) = await app.RunVerbAsync("models", "pull", "nobody/nothing", "--revision", "v2");

        Assert.Equal(1, code);
        Assert.Contains("listing nobody/nothing at v2: HTTP 404", output, StringComparison.Ordinal);
        Assert.Contains("repo or revision not found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repo_without_onnx_files_is_refused()
    {
        var pytorch = DeployTestApp.NewTempFolder("ptrepo");
        try
        {
            File.WriteAllText(Path.Combine(pytorch, "model_index.json"), "{}");
            Directory.CreateDirectory(Path.Combine(pytorch, "unet"));
            File.WriteAllBytes(Path.Combine(pytorch, "unet", "diffusion_pytorch_model.safetensors"), new byte[3000]);
            File.WriteAllBytes(Path.Combine(pytorch, "unet", "diffusion_pytorch_model.bin"), new byte[3000]);
            _hub.AddRepo("someone/pytorch-only", pytorch);
            await using var app = NewApp();

            var (code, output) = await app.RunVerbAsync("models", "pull", "someone/pytorch-only");

            Assert.Equal(1, code);
            Assert.Contains("has no ONNX model in the diffusers layout", output, StringComparison.Ordinal);
            Assert.DoesNotContain(_hub.Requests, r => r.PathAndQuery.Contains("/resolve/", StringComparison.Ordinal));
            Assert.False(Directory.Exists(app.ModelsDir) && Directory.EnumerateFileSystemEntries(app.ModelsDir, "*", SearchOption.AllDirectories).Any());
        }
        finally
        {
            Directory.Delete(pytorch, recursive: true);
        }
    }

    [Fact]
    public async Task The_token_is_sent_as_a_bearer_header_and_never_written_to_the_console_or_the_log()
    {
        const string Token = "hf_SeCrEtToKeN0123456789abcdef";
        _hub.RequiredToken = Token;
        string output;
        string logs;
        string logsDir;
        await using (var app = NewApp((Server.ModelDownload.ModelDownloadOptions.TokenKey, Token)))
        {
            logsDir = Path.Combine(app.DataDir, "logs");
            int code;
            (code, output) = await app.RunVerbAsync("models", "pull", Repo, "--name", "private");
            Assert.True(code == 0, output);
            logs = string.Concat(Directory.EnumerateFiles(logsDir).Select(File.ReadAllText));
        }

        Assert.All(_hub.Requests, r => Assert.Equal("Bearer " + Token, r.Authorization));
        Assert.Contains(Repo, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--name", "../evil", "not a plain folder name")]
    [InlineData("--name", ".hidden", "not a plain folder name")]
    [InlineData("--name", "a/b", "not a plain folder name")]
    [InlineData("--revision", "../../etc", "is not a revision")]
    public async Task Unsafe_names_and_revisions_are_refused_before_any_request(string flag, string value, string message)
    {
        await using var app = NewApp();

        var (code, output) = await app.RunVerbAsync("models", "pull", Repo, flag, value);

        Assert.Equal(1, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Theory]
    [InlineData("not-a-repo")]
    [InlineData("owner/../x")]
    [InlineData("https://huggingface.co/owner/name")]
    public async Task Malformed_repo_ids_are_refused(string repo)
    {
        await using var app = NewApp();

        var (code, output) = await app.RunVerbAsync("models", "pull", repo);

        Assert.Equal(1, code);
        Assert.Contains("is not a hub repo id", output, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task An_existing_model_folder_is_not_overwritten()
    {
        await using var app = NewApp();
        Directory.CreateDirectory(Path.Combine(app.CheckpointsDir, "taken"));
        File.WriteAllText(Path.Combine(app.CheckpointsDir, "taken", "keep.txt"), "mine");

        var (code, output) = await app.RunVerbAsync("models", "pull", Repo, "--name", "taken");

        Assert.Equal(1, code);
        Assert.Contains("already exists", output, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(app.CheckpointsDir, "taken", "keep.txt")));
    }
}
