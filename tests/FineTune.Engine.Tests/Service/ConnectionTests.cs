using System;
using System.Collections.Generic;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Service
{
    public class ConnectionTests
    {
        private static Func<string, string?> Env(Dictionary<string, string> vars) => name => vars.TryGetValue(name, out string? v) ? v : null;

        [Fact]
        public void KeyComesFromParameterThenContextThenEnvironment()
        {
            var env = Env(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "env-key" });
            FineTuneConnection fromParam = FineTuneConnection.Resolve("param-key", null, null, env);
            Assert.Equal(KeySource.Parameter, fromParam.KeySource);
            Assert.Equal("param-key", fromParam.ApiKey);

            FineTuneConnection fromContext = FineTuneConnection.Resolve(null, null, fromParam, env);
            Assert.Equal(KeySource.Context, fromContext.KeySource);
            Assert.Equal("param-key", fromContext.ApiKey);

            FineTuneConnection fromEnv = FineTuneConnection.Resolve(null, null, null, env);
            Assert.Equal(KeySource.Environment, fromEnv.KeySource);
            Assert.Equal("env-key", fromEnv.ApiKey);

            FineTuneConnection none = FineTuneConnection.Resolve(null, null, null, Env(new Dictionary<string, string>()));
            Assert.Equal(KeySource.None, none.KeySource);
            Assert.False(none.HasKey);
        }

        [Fact]
        public void EndpointComesFromParameterThenContextThenEnvironmentThenDefault()
        {
            var env = Env(new Dictionary<string, string> { ["OPENAI_BASE_URL"] = "http://127.0.0.1:5000/v1" });
            var param = new Uri("https://contoso.openai.azure.com/openai/v1/");
            FineTuneConnection a = FineTuneConnection.Resolve("k", param, null, env);
            Assert.Equal(param, a.Endpoint);
            Assert.Equal(ServiceProvider.Azure, a.Provider);
            Assert.Equal(param, FineTuneConnection.Resolve(null, null, a, env).Endpoint);
            FineTuneConnection fromEnv = FineTuneConnection.Resolve("k", null, null, env);
            Assert.Equal("http://127.0.0.1:5000/v1", fromEnv.Endpoint.ToString());
            Assert.Equal(ServiceProvider.Other, fromEnv.Provider);
            FineTuneConnection dflt = FineTuneConnection.Resolve("k", null, null, Env(new Dictionary<string, string>()));
            Assert.Equal("https://api.openai.com/v1", dflt.Endpoint.ToString());
            Assert.Equal(ServiceProvider.OpenAI, dflt.Provider);
        }

        [Fact]
        public void ToStringNeverShowsTheKey()
        {
            const string key = "sk-secret-0123456789abcdef";
            var c = new FineTuneConnection(new Uri("http://127.0.0.1/v1"), key, KeySource.Parameter, "org-1", "proj-1");
            Assert.DoesNotContain(key, c.ToString());
            foreach (var p in typeof(FineTuneConnection).GetProperties())
            {
                if (p.GetMethod!.IsPublic) Assert.NotEqual(key, p.GetValue(c)?.ToString());
            }
        }

        [Fact]
        public void RejectsAnEndpointThatIsNotHttp()
        {
            var ex = Assert.Throws<ArgumentException>(() => new FineTuneConnection(new Uri("ftp://x/v1"), "k", KeySource.Parameter));
            Assert.Contains("/v1", ex.Message);
        }

        [Theory]
        [InlineData(401, null, ErrorKind.Authentication, "Unauthorized")]
        [InlineData(404, null, ErrorKind.NotFound, "NotFound")]
        [InlineData(429, "rate_limit_exceeded", ErrorKind.RateLimited, "RateLimited")]
        [InlineData(429, "insufficient_quota", ErrorKind.QuotaExceeded, "InsufficientQuota")]
        [InlineData(503, null, ErrorKind.ServerError, "ServerError")]
        [InlineData(400, "invalid_file_format", ErrorKind.InvalidRequest, "BadRequest")]
        public void ClassifiesStatusAndCode(int status, string? code, ErrorKind kind, string reason)
        {
            (ErrorKind k, string r) = WireErrors.Classify(status, code);
            Assert.Equal(kind, k);
            Assert.Equal(reason, r);
        }

        [Fact]
        public void An_access_token_takes_the_place_of_the_key_and_the_context_keeps_its_kind_and_provider()
        {
            var env = Env(new Dictionary<string, string> { ["OPENAI_API_KEY"] = "env-key" });
            var emulator = new Uri("http://127.0.0.1:5000/v1");
            FineTuneConnection token = FineTuneConnection.Resolve("ignored-key", emulator, null, env, accessToken: "entra-token", provider: ServiceProvider.Azure);
            Assert.Equal(AuthKind.AccessToken, token.AuthKind);
            Assert.Equal("entra-token", token.ApiKey);
            Assert.Equal(ServiceProvider.Azure, token.Provider);
            Assert.DoesNotContain("entra-token", token.ToString());

            FineTuneConnection kept = FineTuneConnection.Resolve(null, null, token, env, maxRetries: 5);
            Assert.Equal(AuthKind.AccessToken, kept.AuthKind);
            Assert.Equal(ServiceProvider.Azure, kept.Provider);
            Assert.Equal(KeySource.Context, kept.KeySource);

            FineTuneConnection moved = FineTuneConnection.Resolve(null, new Uri("https://api.openai.com/v1"), token, env);
            Assert.Equal(ServiceProvider.OpenAI, moved.Provider);

            FineTuneConnection az = FineTuneConnection.Resolve(null, emulator, null, env, accessToken: "t", accessTokenSource: KeySource.AzAccounts);
            Assert.Equal(KeySource.AzAccounts, az.KeySource);
            Assert.Equal(ServiceProvider.Other, az.Provider);

            FineTuneConnection key = FineTuneConnection.Resolve("k", emulator, null, env);
            Assert.Equal(AuthKind.ApiKey, key.AuthKind);
            Assert.Equal(AuthKind.None, FineTuneConnection.Resolve(null, emulator, null, Env(new Dictionary<string, string>())).AuthKind);
        }
    }
}
