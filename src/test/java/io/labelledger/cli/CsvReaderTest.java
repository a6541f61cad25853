package io.labelledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
  private static CsvReader csv(String text) {
    return new CsvReader(new StringReader(text), "in.csv");
  }

  @Test
  void readsQuotedFieldsWithCommasAndDoubledQuotes() {
    CsvReader reader = csv("a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\n");

    assertThat(reader.next()).containsExactly("x,1", "say \"hi\"", "");
    assertThat(reader.next()).isNull();
  }

  @Test
  void skipsEmptyLinesAndAByteOrderMarkButCountsLines() {
    CsvReader reader = csv("\uFEFFtask,Worker\r\n\r\nt1,w1\r\n");

    assertThat(reader.header()).containsExactly("task", "Worker");
    assertThat(reader.column("worker")).isEqualTo(1);
    assertThat(reader.next()).containsExactly("t1", "w1");
    assertThat(reader.line()).isEqualTo(3);
  }

  @Test
  void keepsSpacesInsideFields() {
    CsvReader reader = csv("a,b\n x , y\n");

    assertThat(reader.next()).containsExactly(" x ", " y");
  }

  @Test
  void rejectsTextAfterAClosingQuote() {
    CsvReader reader = csv("a,b\n\"x\"y,z\n");

    assertThatThrownBy(reader::next).isInstanceOf(InputException.class)
        .hasMessage("in.csv line 2: unexpected text after a closing quote in column 1");
  }
}
