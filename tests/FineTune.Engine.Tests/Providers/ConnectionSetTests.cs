using System;
using System.Linq;
using FineTune.Engine.Providers;
using Xunit;

namespace FineTune.Engine.Tests.Providers
{
    public class ConnectionSetTests
    {
        private static FineTuneConnection Named(string name, string url) =>
            new FineTuneConnection(new Uri(url), "sk-" + name, KeySource.Parameter, name: name);

        [Fact]
        public void The_last_one_added_is_current_and_listed_first()
        {
            var set = new ConnectionSet();
            set.Add(Named("openai", "https://api.openai.com/v1"));
            set.Add(Named("azure", "https://contoso.openai.azure.com/openai/v1/"));
            Assert.Equal("azure", set.Current!.Name);
            Assert.Equal(new[] { "azure", "openai" }, set.All.Select(c => c.Name));
            Assert.Equal(ServiceProvider.OpenAI, set.Find("OPENAI")!.Provider);   // names are case-insensitive
        }

        [Fact]
        public void Adding_a_name_again_replaces_it_and_removing_the_current_leaves_none()
        {
            var set = new ConnectionSet();
            set.Add(Named("a", "http://127.0.0.1:1/v1"));
            set.Add(Named("a", "http://127.0.0.1:2/v1"));
            Assert.Single(set.All);
            Assert.Equal(2, set.Current!.Endpoint.Port);
            Assert.True(set.Remove("a"));
            Assert.Null(set.Current);
            Assert.False(set.Remove("a"));
        }

        [Fact]
        public void A_connection_without_a_name_is_Default_and_keeps_its_name_through_Resolve()
        {
            FineTuneConnection first = FineTuneConnection.Resolve("k", new Uri("http://127.0.0.1:1/v1"), null, _ => null);
            Assert.Equal(ConnectionSet.DefaultName, first.Name);
            FineTuneConnection named = FineTuneConnection.Resolve(null, null, Named("lab", "http://127.0.0.1:3/v1"), _ => null, maxRetries: 5);
            Assert.Equal("lab", named.Name);
            Assert.Equal(5, named.MaxRetries);
        }
    }
}
