package dev.signaling.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The packaged jar has a stable name on the module path (Automatic-Module-Name), not one made from its file name. */
class ModuleNameIT {

  @Test
  void thePackagedJar_isTheModuleDevSignalingClusterRedis() throws Exception {
    Path jar = Path.of(RedisCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(jar.toString()).as("failsafe runs against the packaged jar").endsWith(".jar");

    assertThat(ModuleFinder.of(jar).findAll()).map(ModuleReference::descriptor)
        .singleElement()
        .satisfies(module -> {
          assertThat(module.name()).isEqualTo("dev.signaling.cluster.redis");
          assertThat(module.isAutomatic()).isTrue();
        });
  }
}
