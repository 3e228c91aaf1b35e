package dev.signaling.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The origin allowlist's comparison rules, without sockets (each transport tests it over sockets). */
class AllowedOriginsTest {

  @Test
  void normalize_lowerCasesSchemeAndHost_andDropsDefaultPorts() {
    assertThat(AllowedOrigins.normalize("HTTPS://App.Example.COM")).isEqualTo("https://app.example.com");
    assertThat(AllowedOrigins.normalize("https://app.example.com:443")).isEqualTo("https://app.example.com");
    assertThat(AllowedOrigins.normalize("http://app.example.com:80")).isEqualTo("http://app.example.com");
    assertThat(AllowedOrigins.normalize("http://localhost:8080")).isEqualTo("http://localhost:8080");
    assertThat(AllowedOrigins.normalize("https://[::1]:8443")).isEqualTo("https://[::1]:8443");
    assertThat(AllowedOrigins.normalize("null")).isEqualTo("null");
  }

  @Test
  void normalize_refusesWhatIsNoOrigin() {
    for (String notAnOrigin : List.of("", "example.com", "https://app.example.com/", "https://a.example/path",
        "https://a.example?x", "https://user@a.example", "https://", "*", "https://*.example.com")) {
      assertThat(AllowedOrigins.normalize(notAnOrigin)).as(notAnOrigin).isNull();
    }
  }

  @Test
  void allows_listedOrigins_missingOrigin_andNothingElse() {
    AllowedOrigins allowed = AllowedOrigins.of(List.of("https://app.example.com", "http://localhost:8080"));
    assertThat(allowed.allows(List.of("https://app.example.com"))).isTrue();
    assertThat(allowed.allows(List.of("https://APP.example.com:443"))).isTrue();
    assertThat(allowed.allows(List.of("http://localhost:8080"))).isTrue();
    assertThat(allowed.allows(List.of())).as("no Origin: not a browser").isTrue();
    assertThat(allowed.allows(List.of("http://app.example.com"))).as("other scheme").isFalse();
    assertThat(allowed.allows(List.of("https://app.example.com:8443"))).as("other port").isFalse();
    assertThat(allowed.allows(List.of("https://evil.example"))).isFalse();
    assertThat(allowed.allows(List.of("null"))).isFalse();
    assertThat(allowed.allows(List.of("garbage"))).isFalse();
    assertThat(allowed.allows(List.of("https://app.example.com", "https://app.example.com")))
        .as("more than one Origin header").isFalse();
  }

  @Test
  void noOrigins_allowsAny() {
    assertThat(AllowedOrigins.of(List.of()).allowsAny()).isTrue();
    assertThat(AllowedOrigins.ANY.allows(List.of("https://anything.example"))).isTrue();
  }

  @Test
  void of_refusesAnEntryThatIsNoOrigin_namingIt() {
    assertThatThrownBy(() -> AllowedOrigins.of(List.of("https://ok.example", "https://bad.example/app")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'https://bad.example/app'");
  }
}
