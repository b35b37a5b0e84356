package dev.tierline.server.recording;

import dev.tierline.server.ServerExtension;
import dev.tierline.server.config.Setting;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Async mode fans out before recording; what ends up recorded and sealed must be the same. */
class AsyncRecordingIT extends RecordingContract {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension().with(Setting.RECORDING_MODE, "async");

    @Override
    ServerExtension server() {
        return server;
    }
}
