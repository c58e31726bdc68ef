using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// <c>/uploads</c>: create {filename, purpose, bytes, mime_type}, add part (multipart field <c>data</c>,
    /// ≤ 64 MB), complete {part_ids in order, optional md5} (the byte total must equal <c>bytes</c>, the md5
    /// the concatenated parts'), cancel. An upload holds at most 8 GB and expires 1 hour after creation
    /// (OPENAI-FACTS.md, "Routes"); an expired upload takes no more parts.
    /// </summary>
    public static class UploadRoutes
    {
        private const long MaxBytes = 8L * 1024 * 1024 * 1024;
        private const long MaxPartBytes = 64L * 1024 * 1024;

        /// <summary>Maps the routes on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapPost("/uploads", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                string? filename = Requests.String(body, "filename");
                string? purpose = Requests.String(body, "purpose");
                string? mime = Requests.String(body, "mime_type");
                if (string.IsNullOrEmpty(filename)) return ApiError.BadRequest("Missing required parameter: 'filename'.", "filename", "missing_required_parameter");
                if (purpose is not ("assistants" or "batch" or "fine-tune" or "vision")) return ApiError.BadRequest("Invalid 'purpose': must be assistants, batch, fine-tune or vision.", "purpose", "invalid_value");
                if (string.IsNullOrEmpty(mime)) return ApiError.BadRequest("Missing required parameter: 'mime_type'.", "mime_type", "missing_required_parameter");
                if (purpose == "fine-tune" && mime != "text/jsonl") return ApiError.BadRequest($"Invalid 'mime_type' {mime} for purpose fine-tune: use text/jsonl.", "mime_type", "invalid_value");
                if (!(body["bytes"] is JsonValue b && b.GetValueKind() == JsonValueKind.Number && b.TryGetValue(out long bytes) && bytes >= 1 && bytes <= MaxBytes))
                {
                    return ApiError.BadRequest("Invalid 'bytes': must be an integer from 1 to 8 GB.", "bytes", "invalid_value");
                }

                long now = EmulatorState.Now;
                var upload = new StoredUpload { Id = state.NewId("upload_"), Filename = filename, Purpose = purpose, MimeType = mime, Bytes = bytes, CreatedAt = now, ExpiresAt = now + 3600 };
                lock (state.Sync) state.Uploads[upload.Id] = upload;
                return Results.Json(ToJson(upload, state));
            });

            v1.MapPost("/uploads/{upload_id}/parts", async (string upload_id, HttpRequest request) =>
            {
                if (!request.HasFormContentType) return ApiError.BadRequest("Send the part as multipart/form-data with the field 'data'.", "data");
                IFormCollection form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                IFormFile? data = form.Files.GetFile("data");
                if (data == null) return ApiError.BadRequest("Missing required parameter: 'data'.", "data", "missing_required_parameter");
                if (data.Length > MaxPartBytes) return ApiError.BadRequest("A part holds at most 64 MB.", "data", "invalid_value");
                using var buffer = new MemoryStream();
                await data.CopyToAsync(buffer, request.HttpContext.RequestAborted);
                lock (state.Sync)
                {
                    if (Pending(state, upload_id, out StoredUpload? upload) is IResult problem) return problem;
                    string partId = state.NewId("part_");
                    upload!.Parts.Add((partId, EmulatorState.Now, buffer.ToArray()));
                    return Results.Json(new JsonObject { ["id"] = partId, ["object"] = "upload.part", ["created_at"] = EmulatorState.Now, ["upload_id"] = upload_id });
                }
            }).DisableAntiforgery();

            v1.MapPost("/uploads/{upload_id}/complete", async (string upload_id, HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                if (body["part_ids"] is not JsonArray ids || ids.Any(i => i is not JsonValue)) return ApiError.BadRequest("Missing required parameter: 'part_ids' (an array of part ids in order).", "part_ids", "missing_required_parameter");
                string? md5 = Requests.String(body, "md5");
                lock (state.Sync)
                {
                    if (Pending(state, upload_id, out StoredUpload? upload) is IResult problem) return problem;
                    using var content = new MemoryStream();
                    foreach (string id in ids.Select(i => i!.GetValue<string>()))
                    {
                        var part = upload!.Parts.FirstOrDefault(p => p.Id == id);
                        if (part.Data == null) return ApiError.BadRequest($"Part {id} does not belong to upload {upload_id}.", "part_ids", "invalid_value");
                        content.Write(part.Data);
                    }

                    if (content.Length != upload!.Bytes)
                    {
                        return ApiError.BadRequest($"The parts hold {content.Length} bytes, but the upload was created for {upload.Bytes} bytes.", "part_ids", "invalid_value");
                    }

                    if (!string.IsNullOrEmpty(md5) && !string.Equals(md5, Convert.ToHexStringLower(MD5.HashData(content.GetBuffer().AsSpan(0, (int)content.Length))), StringComparison.OrdinalIgnoreCase))
                    {
                        return ApiError.BadRequest("The md5 of the parts does not match 'md5'.", "md5", "invalid_value");
                    }

                    upload.File = state.AddFile(upload.Filename, upload.Purpose, content.ToArray());
                    upload.Status = "completed";
                    JsonObject answer = ToJson(upload, state);
                    Finish(upload);
                    return Results.Json(answer);
                }
            });

            v1.MapPost("/uploads/{upload_id}/cancel", (string upload_id) =>
            {
                lock (state.Sync)
                {
                    if (Pending(state, upload_id, out StoredUpload? upload) is IResult problem) return problem;
                    upload!.Status = "cancelled";
                    JsonObject answer = ToJson(upload, state);
                    Finish(upload);
                    return Results.Json(answer);
                }
            });
        }

        /// <summary>
        /// A completed or cancelled upload takes nothing more (<see cref="Pending"/>), so it lets go of its parts and of the
        /// file's content (the file lives on in the state until deleted): a bench that uploads 1 GB again and again would
        /// otherwise keep every copy.
        /// </summary>
        private static void Finish(StoredUpload upload)
        {
            upload.Parts.Clear();
            if (upload.File != null) upload.File = upload.File with { Content = Array.Empty<byte>() };
        }

        /// <summary>Null when the upload exists and is pending (expiring it when its hour is over); else the error.</summary>
        private static IResult? Pending(EmulatorState state, string id, out StoredUpload? upload)
        {
            if (!state.Uploads.TryGetValue(id, out upload)) return ApiError.NotFound("Upload", id, "upload_id");
            if (upload.Status == "pending" && upload.ExpiresAt <= EmulatorState.Now) upload.Status = "expired";
            return upload.Status == "pending" ? null : ApiError.BadRequest($"Upload {id} is {upload.Status}; only a pending upload takes parts, completion or cancellation.", "upload_id", "invalid_upload_state");
        }

        /// <summary>The upload object (OpenAPI schema Upload).</summary>
        private static JsonObject ToJson(StoredUpload u, EmulatorState state) => new JsonObject
        {
            ["id"] = u.Id, ["object"] = "upload", ["bytes"] = u.Bytes, ["created_at"] = u.CreatedAt, ["filename"] = u.Filename,
            ["purpose"] = u.Purpose, ["status"] = u.Status, ["expires_at"] = u.ExpiresAt,
            ["file"] = u.File == null ? null : FileRoutes.ToJson(u.File, state),
        };
    }
}
