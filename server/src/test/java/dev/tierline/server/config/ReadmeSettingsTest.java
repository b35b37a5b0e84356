package dev.tierline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeSettingsTest {

    @Test
    void everySettingIsInTheReadmeWithItsEnvironmentVariableAndDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting setting : Setting.values()) {
            String row = "| `" + setting.key() + "` | `" + setting.envVar() + "` | `"
                    + setting.defaultValue().replace("|", "\\|") + "` |";
            assertThat(readme).as("README row for %s", setting.key()).contains(row);
        }
    }

    @Test
    void defaultsNeedNoFileAndNoEnvironment() {
        ServerConfig config = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(config.port()).isEqualTo(8420);
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.maxParticipants()).isEqualTo(16);
    }

    @Test
    void laterLayersWinFileThenEnvironmentThenCommandLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tierline.yaml");
        Files.writeString(file, "port: 9000\nlimits:\n  maxParticipants: 8\nsession:\n  reconnectGrace: 45\n");
        Map<Setting, String> cli = new EnumMap<>(Setting.class);
        cli.put(Setting.PORT, "9002");
        ServerConfig config = ConfigLoader.load(file, Map.of("TIERLINE_PORT", "9001", "TIERLINE_LIMITS_MAX_PARTICIPANTS", "6"), cli);
        assertThat(config.port()).isEqualTo(9002);
        assertThat(config.maxParticipants()).isEqualTo(6);
        assertThat(config.reconnectGrace()).hasSeconds(45);
    }

    @Test
    void aBadValueFailsNamingTheKey(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TIERLINE_PORT", "eighty"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TIERLINE_LIMITS_MAX_PARTICIPANTS", "1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.maxParticipants");
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, "limits:\n  maxParticipant: 8\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.maxParticipant");
    }
}
