package dev.tierline.server.knowledge;

import dev.tierline.server.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The knowledge base on the embedded default: SQLite FTS5. */
class SqliteKnowledgeIT extends KnowledgeContract {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Override
    ServerExtension server() {
        return server;
    }
}
