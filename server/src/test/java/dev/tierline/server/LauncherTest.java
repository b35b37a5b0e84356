package dev.tierline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class LauncherTest {
    @Test
    void aServerRunsWithoutNettysLeakDetectorUnlessTheOperatorAsksForIt() {
        Properties unset = new Properties();
        Launcher.nettyDefaults(unset);
        assertThat(unset.getProperty("io.netty.leakDetection.level")).isEqualTo("disabled");

        Properties asked = new Properties();
        asked.setProperty("io.netty.leakDetection.level", "paranoid");
        Launcher.nettyDefaults(asked);
        assertThat(asked.getProperty("io.netty.leakDetection.level")).isEqualTo("paranoid");
    }
}
