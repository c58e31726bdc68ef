using System;
using System.Text;
using System.Text.Json;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class TrainingTypeTests
    {
        private static JobRequest Request(string? trainingType) =>
            new JobRequest { Model = "gpt-4.1-mini-2025-04-14", TrainingFile = "file-abc", TrainingType = trainingType };

        [Theory]
        [InlineData("Standard", "Standard")]
        [InlineData("GlobalStandard", "GlobalStandard")]
        [InlineData("Developer", "developerTier")]
        public void Azure_gets_the_wire_value_of_the_training_type(string given, string sent)
        {
            JobRequest r = Request(given);
            r.Validate(ServiceProvider.Azure);
            using JsonDocument body = JsonDocument.Parse(Encoding.UTF8.GetString(r.ToJson()));
            Assert.Equal(sent, body.RootElement.GetProperty("trainingType").GetString());
        }

        [Fact]
        public void Without_a_training_type_the_field_is_left_out()
        {
            using JsonDocument body = JsonDocument.Parse(Encoding.UTF8.GetString(Request(null).ToJson()));
            Assert.False(body.RootElement.TryGetProperty("trainingType", out _));
            Request(null).Validate(ServiceProvider.OpenAI);
        }

        [Theory]
        [InlineData(ServiceProvider.OpenAI)]
        [InlineData(ServiceProvider.Other)]
        public void Elsewhere_a_training_type_is_a_clear_error(ServiceProvider provider)
        {
            var e = Assert.Throws<ArgumentException>(() => Request("GlobalStandard").Validate(provider));
            Assert.Contains("Azure OpenAI only", e.Message);
            Assert.Contains(provider.ToString(), e.Message);
        }

        [Fact]
        public void An_unknown_training_type_names_the_allowed_ones()
        {
            var e = Assert.Throws<ArgumentException>(() => Request("Premium").Validate(ServiceProvider.Azure));
            Assert.Contains("Standard, GlobalStandard, Developer", e.Message);
        }
    }
}
