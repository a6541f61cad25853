package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebAppTest {
  @Test
  void imageOriginsWidenImgSrcAndNothingElse() {
    String strict = WebApp.contentSecurityPolicy(Optional.empty(), List.of());
    assertThat(strict).contains("img-src 'self' blob:;", "media-src 'self' blob:;").doesNotContain("https:", "data:", "*");
    assertThat(strict.replace("img-src 'self' blob:;", "").replace("media-src 'self' blob:;", ""))
        .as("blob: URLs (a recording or photo before upload) are for images and media only").doesNotContain("blob:");

    String withImages = WebApp.contentSecurityPolicy(Optional.of("http://127.0.0.1:8545"),
        List.of("https://img.example.com", "http://127.0.0.1:8081"));
    assertThat(withImages).contains("img-src 'self' blob: https://img.example.com http://127.0.0.1:8081;",
        "connect-src 'self' http://127.0.0.1:8545;", "default-src 'none';", "script-src 'self';");
    assertThat(withImages.replace("img-src 'self' blob: https://img.example.com http://127.0.0.1:8081;", ""))
        .as("the image origins appear in img-src only").doesNotContain("img.example.com", "8081");
  }

  @Test
  void microphoneAndCameraAreAllowedForThisOriginOnly() {
    assertThat(WebApp.PERMISSIONS_POLICY).contains("camera=(self)", "microphone=(self)", "geolocation=()")
        .doesNotContain("*");
  }
}
