package io.labelledger.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import org.junit.jupiter.api.Test;

class UploadRoutesTest {
  @Test
  void keepsAPlainFileNameAndNoneWhenNoneIsGiven() {
    assertThat(UploadRoutes.fileName("attachment; filename=\"take 2.wav\"")).isEqualTo("take 2.wav");
    assertThat(UploadRoutes.fileName("attachment; filename=photo.png")).isEqualTo("photo.png");
    assertThat(UploadRoutes.fileName(null)).isNull();
    assertThat(UploadRoutes.fileName("inline")).isNull();
  }

  @Test
  void refusesNamesThatCouldReachOutsideADirectoryOrHideControlCharacters() {
    for (String name : new String[] {"../x", "..", "a/b", "a\\\\b", ".env", "bell\u0007.wav", "nul\u0000.wav",
        "del\u007f.wav", "C:x", "", "y".repeat(201)}) {
      assertThatThrownBy(() -> UploadRoutes.fileName("attachment; filename=\"" + name + "\"")).as(name)
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_NAME_INVALID));
    }
  }
}
