package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingHub;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The built module exports {@code SignalingServer}'s package only, and reads the core
 * transitively; the core keeps its internal package to itself, also from this module.
 */
class ModuleDescriptorTest {

  private static ModuleDescriptor built(Class<?> member, String name) throws URISyntaxException {
    Path location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(location).findAll().stream()
        .map(ModuleReference::descriptor)
        .filter(d -> d.name().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no module " + name + " in " + location));
  }

  @Test
  void testsRunOnTheModulePath() {
    assertThat(SignalingServer.class.getModule().getName()).isEqualTo("dev.signaling.transport.javawebsocket");
    assertThat(SignalingHub.class.getModule().getName()).isEqualTo("dev.signaling.core");
  }

  @Test
  void exportsItsOnePackage_andRequiresTheCoreTransitively() throws Exception {
    ModuleDescriptor descriptor = built(SignalingServer.class, "dev.signaling.transport.javawebsocket");
    assertThat(descriptor.exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.signaling.transport.javawebsocket");
    assertThat(descriptor.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.requires()).anySatisfy(r -> {
      assertThat(r.name()).isEqualTo("dev.signaling.core");
      assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    });
    assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name)
        .containsExactlyInAnyOrder(
            "java.base", "dev.signaling.core", "org.java_websocket", "org.slf4j");
  }

  @Test
  void theCoresInternalPackage_isNotExportedToThisModule() throws Exception {
    Module core = SignalingHub.class.getModule();
    Module transport = SignalingServer.class.getModule();
    assertThat(core.isExported("dev.signaling.core", transport)).isTrue();
    assertThat(core.isExported("dev.signaling.core.spi", transport)).isTrue();
    assertThat(core.isExported("dev.signaling.core.internal", transport)).isFalse();
    assertThat(core.isExported("dev.signaling.core.internal")).isFalse();
    assertThat(built(SignalingHub.class, "dev.signaling.core").exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactlyInAnyOrder("dev.signaling.core", "dev.signaling.core.spi", "dev.signaling.core.cluster");
  }
}
