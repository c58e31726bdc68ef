namespace FineTune.Engine.Service
{
    /// <summary>One message of a chat request: a role (system, developer, user, assistant) and its text.</summary>
    public sealed class ChatMessage
    {
        /// <summary>Creates a message.</summary>
        public ChatMessage(string role, string content)
        {
            Role = role;
            Content = content;
        }

        /// <summary>system, developer, user or assistant.</summary>
        public string Role { get; }

        /// <summary>The message's text.</summary>
        public string Content { get; }

        /// <summary>A user message.</summary>
        public static ChatMessage User(string content) => new ChatMessage("user", content);

        /// <summary>A system message.</summary>
        public static ChatMessage System(string content) => new ChatMessage("system", content);
    }
}
