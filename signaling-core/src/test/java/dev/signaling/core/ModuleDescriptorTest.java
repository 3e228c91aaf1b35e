package dev.signaling.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The built module exports the user API, the transport SPI and the cluster SPI, and nothing else. */
class ModuleDescriptorTest {

  /** The descriptor as compiled into the module's classes (not as patched for these tests). */
  private static ModuleDescriptor built() throws URISyntaxException {
    Path classes = Path.of(SignalingHub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(classes).findAll().stream()
        .map(ModuleReference::descriptor)
        .filter(d -> d.name().equals("dev.signaling.core"))
        .findFirst().orElseThrow(() -> new AssertionError("no module dev.signaling.core in " + classes));
  }

  @Test
  void testsRunOnTheModulePath() {
    assertThat(SignalingHub.class.getModule().isNamed()).isTrue();
    assertThat(SignalingHub.class.getModule().getName()).isEqualTo("dev.signaling.core");
  }

  @Test
  void onlyApiAndSpiAreExported_toEveryone_andNothingIsOpen() throws Exception {
    ModuleDescriptor descriptor = built();
    assertThat(descriptor.exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactlyInAnyOrder("dev.signaling.core", "dev.signaling.core.spi", "dev.signaling.core.cluster");
    assertThat(descriptor.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.isOpen()).isFalse();
    assertThat(descriptor.packages()).as("the internal package is in the module, unexported")
        .contains("dev.signaling.core.internal");
  }

  @Test
  void requiresGsonAndSlf4jOnly() throws Exception {
    assertThat(built().requires())
        .extracting(ModuleDescriptor.Requires::name)
        .containsExactlyInAnyOrder("java.base", "com.google.gson", "org.slf4j");
  }
}
