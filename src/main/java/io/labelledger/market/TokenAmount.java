package io.labelledger.market;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;

/** Token amounts shown to people: whole tokens by the token's decimals, with the exact units beside. */
public final class TokenAmount {
  private TokenAmount() {}

  /** How one token shows amounts: its symbol and decimals. */
  public record Format(String symbol, int decimals) {
    public String show(BigInteger units) {
      String whole = new BigDecimal(units).movePointLeft(decimals).stripTrailingZeros().toPlainString();
      return whole + " " + symbol + " (" + units + " units)";
    }
  }

  /** Reads {@code symbol()} and {@code decimals()}; a token without them shows plain units. Blocking. */
  public static Format format(Web3j web3j, String token) throws IOException {
    String symbol = call(web3j, token, "symbol", new TypeReference<Utf8String>() {});
    String decimals = call(web3j, token, "decimals", new TypeReference<Uint8>() {});
    return new Format(symbol == null ? "units" : symbol, decimals == null ? 0 : Integer.parseInt(decimals));
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static String call(Web3j web3j, String token, String name, TypeReference<?> out) throws IOException {
    Function fn = new Function(name, List.of(), List.of((TypeReference<Type>) out));
    var reply = web3j.ethCall(Transaction.createEthCallTransaction(null, token, FunctionEncoder.encode(fn)),
        DefaultBlockParameterName.LATEST).send();
    if (reply.hasError() || reply.isReverted() || reply.getValue() == null || reply.getValue().length() <= 2) {
      return null;
    }
    List<Type> values = FunctionReturnDecoder.decode(reply.getValue(), fn.getOutputParameters());
    return values.isEmpty() ? null : values.get(0).getValue().toString();
  }
}
