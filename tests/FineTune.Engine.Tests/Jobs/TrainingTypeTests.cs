using System;
using System.Text;
using System.Text.Json;
using FineTune.Engine.Providers;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class TrainingTypeTests
    {
        private static IFineTuneProvider Provider(ServiceProvider kind) =>
            ProviderFactory.Create(new FineTuneConnection(new Uri("http://127.0.0.1:9/v1"), "k", KeySource.Parameter, provider: kind));

        private static JobRequest Request(string? trainingType) =>
            new JobRequest { Model = "gpt-4.1-mini-2025-04-14", TrainingFile = "file-abc", TrainingType = trainingType };

        [Theory]
        [InlineData("Standard", "Standard")]
        [InlineData("GlobalStandard", "GlobalStandard")]
        [InlineData("Developer", "developerTier")]
        public void Azure_gets_the_wire_value_of_the_training_type(string given, string sent)
        {
            JobRequest r = Request(given);
            Provider(ServiceProvider.Azure).CheckJob(r);
            using JsonDocument body = JsonDocument.Parse(Encoding.UTF8.GetString(r.ToJson()));
            Assert.Equal(sent, body.RootElement.GetProperty("trainingType").GetString());
        }

        [Fact]
        public void Without_a_training_type_the_field_is_left_out()
        {
            using JsonDocument body = JsonDocument.Parse(Encoding.UTF8.GetString(Request(null).ToJson()));
            Assert.False(body.RootElement.TryGetProperty("trainingType", out _));
            Provider(ServiceProvider.OpenAI).CheckJob(Request(null));
        }

        [Theory]
        [InlineData(ServiceProvider.OpenAI)]
        [InlineData(ServiceProvider.Other)]
        public void Elsewhere_a_training_type_is_a_clear_error(ServiceProvider provider)
        {
            var e = Assert.Throws<ArgumentException>(() => Provider(provider).CheckJob(Request("GlobalStandard")));
            Assert.Contains("Azure OpenAI only", e.Message);
            Assert.Contains(provider.ToString(), e.Message);
        }

        [Fact]
        public void An_unknown_training_type_names_the_allowed_ones()
        {
            var e = Assert.Throws<ArgumentException>(() => Provider(ServiceProvider.Azure).CheckJob(Request("Premium")));
            Assert.Contains("Standard, GlobalStandard, Developer", e.Message);
        }
    }
}
