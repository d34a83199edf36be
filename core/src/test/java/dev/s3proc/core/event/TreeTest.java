package dev.s3proc.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeTest {
  private static Map<String, Object> read(String json) throws Exception {
    return Tree.object(JSON.std.anyFrom(json));
  }

  @Test
  void missingNullAndMistypedMembersReadAsTheDefault() throws Exception {
    Map<String, Object> o = read("{\"a\":null,\"b\":\"\",\"c\":{\"x\":1},\"d\":[1]}");
    assertThat(Tree.text(o, "a", "none")).isEqualTo("none");
    assertThat(Tree.text(o, "b", "none")).isEqualTo("none");
    assertThat(Tree.text(o, "c", "none")).isEqualTo("none");
    assertThat(Tree.text(o, "missing", null)).isNull();
    assertThat(Tree.object(o.get("d"))).isEmpty();
    assertThat(Tree.array(o.get("c"))).isEmpty();
    assertThat(Tree.object(JSON.std.anyFrom("[1,2]"))).isEmpty();
  }

  @Test
  void numbersReadFromNumbersAndFromTextAsSqsAttributesCarryThem() throws Exception {
    Map<String, Object> o =
        read("{\"size\":5368709120,\"count\":\"3\",\"bad\":\"three\",\"flag\":true}");
    assertThat(Tree.number(o, "size", 0)).isEqualTo(5_368_709_120L);
    assertThat(Tree.number(o, "count", 1)).isEqualTo(3);
    assertThat(Tree.number(o, "bad", 1)).isEqualTo(1);
    assertThat(Tree.number(o, "flag", 1)).isEqualTo(1);
    assertThat(Tree.text(o, "flag", null)).isEqualTo("true");
  }
}
