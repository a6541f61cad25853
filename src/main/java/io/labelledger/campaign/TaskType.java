package io.labelledger.campaign;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Task types the service can serve and aggregate. Multi-label, free text and pairwise come next. */
public enum TaskType {
  SINGLE_CHOICE("single_choice");

  private final String wireName;

  TaskType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<TaskType> fromWire(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(TaskType::wireName).toList();
  }
}
