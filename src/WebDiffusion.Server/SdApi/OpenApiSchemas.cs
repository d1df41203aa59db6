using System.Text.Json.Nodes;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// Hand-written JSON schemas (OpenAPI 3.0) for the main /sdapi bodies in A1111's shapes, summaries for routes mapped
/// without one, and which schema goes with which route (keys are <c>"METHOD /path"</c>).
/// </summary>
public static class OpenApiSchemas
{
    private const string ComponentsJson = """
    {
      "HTTPError": { "type": "object", "properties": {
        "error": { "type": "string" }, "detail": { "type": "string" }, "body": { "nullable": true }, "errors": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } } } },
      "GenerationCommon": { "type": "object", "properties": {
        "prompt": { "type": "string", "default": "" }, "negative_prompt": { "type": "string", "default": "" },
        "styles": { "type": "array", "items": { "type": "string" } },
        "seed": { "type": "integer", "default": -1 }, "subseed": { "type": "integer", "default": -1 },
        "subseed_strength": { "type": "number", "default": 0 },
        "seed_resize_from_h": { "type": "integer", "default": -1 }, "seed_resize_from_w": { "type": "integer", "default": -1 },
        "sampler_name": { "type": "string" }, "sampler_index": { "type": "string", "default": "Euler" }, "scheduler": { "type": "string" },
        "batch_size": { "type": "integer", "default": 1 }, "n_iter": { "type": "integer", "default": 1 },
        "steps": { "type": "integer", "default": 50 }, "cfg_scale": { "type": "number", "default": 7.0 },
        "width": { "type": "integer", "default": 512 }, "height": { "type": "integer", "default": 512 },
        "restore_faces": { "type": "boolean", "description": "true is refused: no face restorer" },
        "tiling": { "type": "boolean" }, "eta": { "type": "number" }, "denoising_strength": { "type": "number" },
        "override_settings": { "type": "object", "additionalProperties": true },
        "override_settings_restore_afterwards": { "type": "boolean", "default": true },
        "send_images": { "type": "boolean", "default": true }, "save_images": { "type": "boolean", "default": false },
        "script_name": { "type": "string", "nullable": true, "description": "refused: scripts are not supported" },
        "script_args": { "type": "array", "items": { } },
        "alwayson_scripts": { "type": "object", "additionalProperties": true, "description": "must be empty: extensions are not supported" },
        "infotext": { "type": "string" } } },
      "StableDiffusionTxt2ImgProcessingAPI": { "allOf": [ { "$ref": "#/components/schemas/GenerationCommon" }, { "type": "object", "properties": {
        "enable_hr": { "type": "boolean", "default": false }, "hr_scale": { "type": "number", "default": 2.0 },
        "hr_upscaler": { "type": "string" }, "hr_second_pass_steps": { "type": "integer", "default": 0 },
        "hr_resize_x": { "type": "integer", "default": 0 }, "hr_resize_y": { "type": "integer", "default": 0 },
        "hr_sampler_name": { "type": "string" }, "hr_prompt": { "type": "string" }, "hr_negative_prompt": { "type": "string" } } } ] },
      "StableDiffusionImg2ImgProcessingAPI": { "allOf": [ { "$ref": "#/components/schemas/GenerationCommon" }, { "type": "object", "properties": {
        "init_images": { "type": "array", "items": { "type": "string", "description": "base64 PNG or data: URL" } },
        "resize_mode": { "type": "integer", "default": 0 }, "mask": { "type": "string", "nullable": true },
        "mask_blur": { "type": "integer" }, "mask_blur_x": { "type": "integer", "default": 4 }, "mask_blur_y": { "type": "integer", "default": 4 },
        "inpainting_fill": { "type": "integer", "default": 0 }, "inpaint_full_res": { "type": "boolean", "default": true },
        "inpaint_full_res_padding": { "type": "integer", "default": 0 }, "inpainting_mask_invert": { "type": "integer", "default": 0 },
        "include_init_images": { "type": "boolean", "default": false } } } ] },
      "GenerationResponse": { "type": "object", "properties": {
        "images": { "type": "array", "items": { "type": "string", "description": "base64 PNG" } },
        "parameters": { "type": "object", "additionalProperties": true },
        "info": { "type": "string", "description": "JSON text: prompt, all_seeds, infotexts, ..." } } },
      "ExtrasBase": { "type": "object", "properties": {
        "resize_mode": { "type": "integer", "enum": [0, 1], "default": 0, "description": "0: scale by upscaling_resize, 1: scale to upscaling_resize_w x upscaling_resize_h" },
        "show_extras_results": { "type": "boolean", "default": true },
        "gfpgan_visibility": { "type": "number", "default": 0, "description": "> 0 is refused: no face restorer" },
        "codeformer_visibility": { "type": "number", "default": 0, "description": "> 0 is refused: no face restorer" },
        "codeformer_weight": { "type": "number", "default": 0 },
        "upscaling_resize": { "type": "number", "default": 2 },
        "upscaling_resize_w": { "type": "integer", "default": 512 }, "upscaling_resize_h": { "type": "integer", "default": 512 },
        "upscaling_crop": { "type": "boolean", "default": true },
        "upscaler_1": { "type": "string", "enum": ["None", "Lanczos", "Nearest"], "default": "None" },
        "upscaler_2": { "type": "string", "default": "None" },
        "extras_upscaler_2_visibility": { "type": "number", "default": 0, "description": "> 0 with an upscaler_2 is refused" },
        "upscale_first": { "type": "boolean", "default": false } } },
      "ExtrasSingleImageRequest": { "allOf": [ { "$ref": "#/components/schemas/ExtrasBase" }, { "type": "object", "required": ["image"], "properties": {
        "image": { "type": "string", "description": "base64 PNG or data: URL (JPEG/WebP are refused with 415)" } } } ] },
      "ExtrasSingleImageResponse": { "type": "object", "properties": {
        "html_info": { "type": "string" }, "image": { "type": "string", "description": "base64 PNG" } } },
      "FileData": { "type": "object", "required": ["data", "name"], "properties": {
        "data": { "type": "string", "description": "base64 PNG" }, "name": { "type": "string" } } },
      "ExtrasBatchImagesRequest": { "allOf": [ { "$ref": "#/components/schemas/ExtrasBase" }, { "type": "object", "required": ["imageList"], "properties": {
        "imageList": { "type": "array", "items": { "$ref": "#/components/schemas/FileData" } } } } ] },
      "ExtrasBatchImagesResponse": { "type": "object", "properties": {
        "html_info": { "type": "string" }, "images": { "type": "array", "items": { "type": "string" } } } },
      "PNGInfoRequest": { "type": "object", "required": ["image"], "properties": { "image": { "type": "string" } } },
      "PNGInfoResponse": { "type": "object", "properties": {
        "info": { "type": "string" }, "items": { "type": "object", "additionalProperties": true },
        "parameters": { "type": "object", "additionalProperties": true } } },
      "ProgressResponse": { "type": "object", "properties": {
        "progress": { "type": "number" }, "eta_relative": { "type": "number" },
        "state": { "type": "object", "additionalProperties": true },
        "current_image": { "type": "string", "nullable": true }, "textinfo": { "type": "string", "nullable": true } } },
      "Options": { "type": "object", "additionalProperties": true, "properties": {
        "sd_model_checkpoint": { "type": "string", "nullable": true }, "sd_checkpoint_hash": { "type": "string", "nullable": true },
        "CLIP_stop_at_last_layers": { "type": "integer" }, "eta_noise_seed_delta": { "type": "integer" },
        "eta_ancestral": { "type": "number" }, "eta_ddim": { "type": "number" },
        "randn_source": { "type": "string", "enum": ["GPU", "CPU", "NV"] }, "samples_format": { "type": "string", "enum": ["png"] },
        "samples_save": { "type": "boolean" }, "sd_vae": { "type": "string" }, "show_progress_every_n_steps": { "type": "integer" },
        "emphasis": { "type": "string", "enum": ["None", "Ignore", "Original", "No norm"] }, "comma_padding_backtrack": { "type": "integer" } } },
      "SDModelItem": { "type": "object", "properties": {
        "title": { "type": "string" }, "model_name": { "type": "string" }, "hash": { "type": "string", "nullable": true },
        "sha256": { "type": "string", "nullable": true }, "filename": { "type": "string", "description": "relative to the models folder" },
        "config": { "type": "string", "nullable": true } } },
      "SDVaeItem": { "type": "object", "properties": { "model_name": { "type": "string" }, "filename": { "type": "string" } } },
      "LoraItem": { "type": "object", "properties": {
        "name": { "type": "string" }, "alias": { "type": "string" }, "path": { "type": "string" }, "metadata": { "type": "object" } } },
      "UpscalerItem": { "type": "object", "properties": {
        "name": { "type": "string" }, "model_name": { "type": "string", "nullable": true }, "model_path": { "type": "string", "nullable": true },
        "model_url": { "type": "string", "nullable": true }, "scale": { "type": "number" } } },
      "EmbeddingItem": { "type": "object", "properties": {
        "step": { "type": "integer", "nullable": true }, "sd_checkpoint": { "type": "string", "nullable": true },
        "sd_checkpoint_name": { "type": "string", "nullable": true }, "shape": { "type": "integer", "nullable": true },
        "vectors": { "type": "integer", "nullable": true } } },
      "EmbeddingsResponse": { "type": "object", "properties": {
        "loaded": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/EmbeddingItem" } },
        "skipped": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/EmbeddingItem" } } } },
      "MemoryResponse": { "type": "object", "properties": {
        "ram": { "type": "object", "properties": { "free": { "type": "number" }, "used": { "type": "number" }, "total": { "type": "number" } } },
        "cuda": { "type": "object", "additionalProperties": true } } },
      "ScriptsList": { "type": "object", "properties": {
        "txt2img": { "type": "array", "items": { "type": "string" } }, "img2img": { "type": "array", "items": { "type": "string" } } } },
      "ModelSelectRequest": { "type": "object", "properties": { "name": { "type": "string", "nullable": true } } }
    }
    """;

    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["POST /sdapi/v1/txt2img"] = "Text to image (A1111 shape; runs through the queue)",
        ["POST /sdapi/v1/img2img"] = "Image to image / inpainting (A1111 shape; runs through the queue)",
        ["GET /sdapi/v1/progress"] = "Progress of the running generation",
        ["POST /sdapi/v1/interrupt"] = "Stop the running generation",
        ["POST /sdapi/v1/skip"] = "Skip the current image of the running generation",
        ["POST /sdapi/v1/png-info"] = "Read the generation parameters stored in an image",
        ["GET /sdapi/v1/samplers"] = "Samplers: [{name, aliases, options}]",
        ["GET /sdapi/v1/schedulers"] = "Schedulers: [{name, label, aliases, default_rho, need_inner_model}]",
        ["POST /api/png-info"] = "Read the generation parameters stored in an image",
        ["GET /api/models"] = "Models found, with their problems, and the current model",
        ["POST /api/models/refresh"] = "Rescan the models folder",
        ["POST /api/models/select"] = "Select the current model by name",
        ["POST /api/jobs"] = "Queue a generation job",
        ["GET /api/jobs"] = "List jobs",
        ["GET /api/jobs/{id}"] = "One job",
        ["POST /api/jobs/{id}/cancel"] = "Cancel a queued or running job",
        ["POST /api/jobs/{id}/interrupt"] = "Interrupt a running job (keeps finished images)",
        ["POST /api/jobs/{id}/skip"] = "Skip the current image of a running job",
        ["GET /api/images"] = "List saved images",
        ["GET /api/images/{id}"] = "One saved image (PNG)",
        ["DELETE /api/images/{id}"] = "Delete a saved image",
        ["GET /api/settings"] = "UI settings",
        ["PUT /api/settings"] = "Change UI settings",
        ["GET /api/system"] = "Runtime status: ONNX Runtime, providers, folders",
        ["POST /api/prompt/tokenize"] = "Tokenize a prompt (token counts per chunk)",
        ["GET /api/samplers"] = "Samplers",
        ["GET /api/schedulers"] = "Schedulers",
    };

    private static readonly Dictionary<string, string> Requests = new(StringComparer.Ordinal)
    {
        ["POST /sdapi/v1/txt2img"] = "StableDiffusionTxt2ImgProcessingAPI",
        ["POST /sdapi/v1/img2img"] = "StableDiffusionImg2ImgProcessingAPI",
        ["POST /sdapi/v1/extra-single-image"] = "ExtrasSingleImageRequest",
        ["POST /sdapi/v1/extra-batch-images"] = "ExtrasBatchImagesRequest",
        ["POST /sdapi/v1/png-info"] = "PNGInfoRequest",
        ["POST /api/png-info"] = "PNGInfoRequest",
        ["POST /sdapi/v1/options"] = "Options",
        ["POST /api/models/select"] = "ModelSelectRequest",
    };

    private static readonly Dictionary<string, string> Responses = new(StringComparer.Ordinal)
    {
        ["POST /sdapi/v1/txt2img"] = "GenerationResponse",
        ["POST /sdapi/v1/img2img"] = "GenerationResponse",
        ["POST /sdapi/v1/extra-single-image"] = "ExtrasSingleImageResponse",
        ["POST /sdapi/v1/extra-batch-images"] = "ExtrasBatchImagesResponse",
        ["POST /sdapi/v1/png-info"] = "PNGInfoResponse",
        ["POST /api/png-info"] = "PNGInfoResponse",
        ["GET /sdapi/v1/progress"] = "ProgressResponse",
        ["GET /sdapi/v1/options"] = "Options",
        ["GET /sdapi/v1/embeddings"] = "EmbeddingsResponse",
        ["GET /sdapi/v1/memory"] = "MemoryResponse",
        ["GET /sdapi/v1/scripts"] = "ScriptsList",
    };

    private static readonly Dictionary<string, string> ArrayResponses = new(StringComparer.Ordinal)
    {
        ["GET /sdapi/v1/sd-models"] = "SDModelItem",
        ["GET /sdapi/v1/sd-vae"] = "SDVaeItem",
        ["GET /sdapi/v1/loras"] = "LoraItem",
        ["GET /sdapi/v1/upscalers"] = "UpscalerItem",
    };

    /// <summary>A fresh copy of <c>components.schemas</c>.</summary>
    public static JsonObject Components() => JsonNode.Parse(ComponentsJson)!.AsObject();

    /// <summary>A <c>$ref</c> to a component schema.</summary>
    public static JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    /// <summary>A summary for a route mapped without <c>WithSummary</c>, or null.</summary>
    public static string? Summary(string key) => Summaries.GetValueOrDefault(key);

    /// <summary>The request body schema of a route, or null.</summary>
    public static JsonObject? RequestSchema(string key) => Requests.TryGetValue(key, out var name) ? Ref(name) : null;

    /// <summary>The 200 response schema of a route, or null.</summary>
    public static JsonObject? ResponseSchema(string key)
    {
        if (Responses.TryGetValue(key, out var name))
        {
            return Ref(name);
        }

        return ArrayResponses.TryGetValue(key, out var item) ? new JsonObject { ["type"] = "array", ["items"] = Ref(item) } : null;
    }

    /// <summary>Query parameters of a route.</summary>
    public static IEnumerable<JsonObject> QueryParameters(string key)
    {
        if (key == "GET /sdapi/v1/progress")
        {
            yield return Query("skip_current_image", "boolean");
        }
        else if (key is "GET /api/jobs" or "GET /api/images")
        {
            yield return Query("page", "integer");
            yield return Query("pageSize", "integer");
            if (key == "GET /api/images")
            {
                yield return Query("query", "string");
            }
        }
    }

    private static JsonObject Query(string name, string type) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["required"] = false,
        ["schema"] = new JsonObject { ["type"] = type },
    };
}
