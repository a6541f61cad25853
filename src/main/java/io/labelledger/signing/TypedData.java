package io.labelledger.signing;

import java.util.List;
import java.util.Map;

/** The parts of an eth_signTypedData_v4 object every kind of signed request has; the message differs. */
public interface TypedData {
  Map<String, List<TypedField>> types();

  String primaryType();

  TypedDomain domain();
}
