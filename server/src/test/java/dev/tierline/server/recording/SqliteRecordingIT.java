package dev.tierline.server.recording;

import dev.tierline.server.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Recording on the embedded default: SQLite in the data directory. */
class SqliteRecordingIT extends RecordingContract {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Override
    ServerExtension server() {
        return server;
    }
}
