using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// <c>/files</c>: multipart upload (<c>file</c>, <c>purpose</c>, optional <c>expires_after[anchor]</c> and
    /// <c>expires_after[seconds]</c>), list (purpose, limit 1–10,000 default 10,000, order asc|desc default desc,
    /// after), get, delete, content. As the service: ≤ 512 MB; a fine-tune file's name must end in .jsonl; its
    /// content is checked later, by the job; the OpenAI flavour refuses to hand out a fine-tune file's content
    /// (<see cref="Downloadable"/>).
    /// </summary>
    public static class FileRoutes
    {
        /// <summary>512 MB, the service's limit for one file.</summary>
        public const long MaxBytes = 512L * 1024 * 1024;

        private static readonly string[] Purposes = { "assistants", "batch", "fine-tune", "vision", "user_data", "evals" };

        /// <summary>Maps the routes on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapPost("/files", async (HttpRequest request) =>
            {
                if (!request.HasFormContentType) return ApiError.BadRequest("Send the file as multipart/form-data with the fields 'file' and 'purpose'.", "file");
                IFormCollection form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                string purpose = form["purpose"].ToString();
                IFormFile? part = form.Files.GetFile("file");
                if (part == null) return ApiError.BadRequest("Missing required parameter: 'file'.", "file", "missing_required_parameter");
                if (purpose.Length == 0) return ApiError.BadRequest("Missing required parameter: 'purpose'.", "purpose", "missing_required_parameter");
                if (!Purposes.Contains(purpose)) return ApiError.BadRequest($"'{purpose}' is not one of {string.Join(", ", Purposes)} - 'purpose'.", "purpose", "invalid_value");
                if (part.Length > MaxBytes) return ApiError.BadRequest("File is too large: the limit is 512 MB. Use the Uploads API for larger files.", "file", "file_too_large");
                if (purpose == "fine-tune" && !part.FileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                {
                    return ApiError.BadRequest($"Invalid file format for Fine-Tuning API. Must be .jsonl (got '{part.FileName}').", "file", "invalid_file_format");
                }

                long? expiresAt = null;
                string seconds = form["expires_after[seconds]"].ToString();
                if (seconds.Length > 0)
                {
                    if (!long.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) || s < 3600 || s > 2592000)
                    {
                        return ApiError.BadRequest("Invalid 'expires_after[seconds]': must be from 3600 (1 hour) to 2592000 (30 days).", "expires_after", "invalid_value");
                    }

                    expiresAt = EmulatorState.Now + s;
                }

                using var buffer = new MemoryStream();
                await part.CopyToAsync(buffer, request.HttpContext.RequestAborted);
                StoredFile file = state.AddFile(part.FileName, purpose, buffer.ToArray());
                if (expiresAt != null)
                {
                    file = file with { ExpiresAt = expiresAt };
                    lock (state.Sync) state.Files[file.Id] = file;
                }

                return Results.Json(ToJson(file, state));
            }).DisableAntiforgery();

            v1.MapGet("/files", (HttpRequest request) =>
            {
                int? limit = Requests.Limit(request, 10000, 10000);
                if (limit == null) return Requests.BadLimit(10000);
                string order = request.Query["order"].ToString();
                if (order.Length > 0 && order is not ("asc" or "desc")) return ApiError.BadRequest("Invalid 'order': must be asc or desc.", "order", "invalid_value");
                string purpose = request.Query["purpose"].ToString();
                List<StoredFile> files;
                lock (state.Sync)
                {
                    IEnumerable<StoredFile> query = state.Files.Values.Where(f => purpose.Length == 0 || f.Purpose == purpose);
                    files = (order == "asc" ? query.OrderBy(f => f.Sequence) : query.OrderByDescending(f => f.Sequence)).ToList();
                }

                (List<StoredFile> page, bool more) = Paging.Take(files, f => f.Id, request.Query["after"], limit.Value);
                var data = new JsonArray(page.Select(f => (JsonNode)ToJson(f, state)).ToArray());
                return Results.Json(new JsonObject
                {
                    ["object"] = "list", ["data"] = data,
                    ["first_id"] = page.FirstOrDefault()?.Id, ["last_id"] = page.LastOrDefault()?.Id, ["has_more"] = more,
                });
            });

            v1.MapGet("/files/{file_id}", (string file_id) =>
                Find(state, file_id) is StoredFile f ? Results.Json(ToJson(f, state)) : ApiError.NotFound("File", file_id, "file_id"));

            v1.MapDelete("/files/{file_id}", (string file_id) =>
            {
                lock (state.Sync)
                {
                    if (Find(state, file_id) == null) return ApiError.NotFound("File", file_id, "file_id");
                    state.Files.Remove(file_id);
                }

                return Results.Json(new JsonObject { ["id"] = file_id, ["object"] = "file", ["deleted"] = true });
            });

            v1.MapGet("/files/{file_id}/content", (string file_id) =>
            {
                if (Find(state, file_id) is not StoredFile f) return ApiError.NotFound("File", file_id, "file_id");
                if (!Downloadable(f, state)) return ApiError.BadRequest("Not allowed to download files of purpose: " + f.Purpose);
                return Results.Bytes(f.Content, f.Filename.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/octet-stream");
            });
        }

        /// <summary>The file object (OpenAPI schema OpenAIFile) with its <see cref="Status"/>.</summary>
        public static JsonObject ToJson(StoredFile f, EmulatorState state)
        {
            var o = new JsonObject
            {
                ["object"] = "file", ["id"] = f.Id, ["purpose"] = f.Purpose, ["filename"] = f.Filename,
                ["bytes"] = f.Content.LongLength, ["created_at"] = f.CreatedAt, ["status"] = Status(f, state),
            };
            if (f.ExpiresAt != null) o["expires_at"] = f.ExpiresAt;
            return o;
        }

        /// <summary>
        /// The file's status. OpenAI flavour: always processed. Azure flavour, for a fine-tune file: uploaded,
        /// pending, running for one --time-scale each after arrival, then processed (OPENAI-FACTS.md, "Azure
        /// OpenAI"); files the service makes itself (results) are processed at once.
        /// </summary>
        public static string Status(StoredFile f, EmulatorState state)
        {
            if (!state.Options.IsAzure || f.Purpose != "fine-tune") return "processed";
            double phases = (DateTime.UtcNow - f.ArrivedUtc).TotalSeconds / state.Options.TimeScale;
            return phases < 1 ? "uploaded" : phases < 2 ? "pending" : phases < 3 ? "running" : "processed";
        }

        /// <summary>
        /// Whether <c>GET /files/{id}/content</c> serves the file. OpenAI flavour: not for purpose <c>fine-tune</c> (the
        /// service answers 400 "Not allowed to download files of purpose: fine-tune", OPENAI-FACTS.md); result files
        /// (<c>fine-tune-results</c>), batch and every other purpose stay downloadable. Azure flavour: every file.
        /// </summary>
        public static bool Downloadable(StoredFile f, EmulatorState state) => state.Options.IsAzure || f.Purpose != "fine-tune";

        /// <summary>The file, unless missing or expired (an expired file is removed).</summary>
        private static StoredFile? Find(EmulatorState state, string id)
        {
            lock (state.Sync)
            {
                if (!state.Files.TryGetValue(id, out StoredFile? f)) return null;
                if (f.ExpiresAt != null && f.ExpiresAt <= EmulatorState.Now)
                {
                    state.Files.Remove(id);
                    return null;
                }

                return f;
            }
        }
    }
}
