package io.labelledger.dataset;

import io.labelledger.chain.Deployment;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders a version's dataset card: what it is, where it is on-chain, its terms, quality, and how to check it. */
final class DatasetCard {
  private DatasetCard() {}

  static String render(DatasetService.DatasetView d, String termsText, Optional<Deployment> deployment) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(d.name()).append("\n\n");
    md.append("Version ").append(d.version()).append(" of campaign ").append(d.campaignId())
        .append(d.parentId() == null ? " (first version)" : " (previous version: dataset " + d.parentId() + ")")
        .append(", built ").append(d.builtAt()).append(". ")
        .append(d.itemCount()).append(" items labelled by ").append(d.contributorCount()).append(" contributors (")
        .append(d.contributionCount()).append(" signed contributions).\n\n");

    md.append("## Provenance\n\n| what | value |\n| --- | --- |\n");
    row(md, "chain id", d.chainId());
    row(md, "DataMarketplace", d.marketplace());
    deployment.ifPresent(dep -> {
      row(md, "ProvenanceRegistry (anchored batch roots)", dep.provenanceRegistry().toLowerCase());
      row(md, "ConsentRegistry (consents, revocations)", dep.consentRegistry().toLowerCase());
    });
    row(md, "dataset id on DataMarketplace", d.chainDatasetId() == null ? "not listed yet" : d.chainDatasetId());
    row(md, "listing transaction", d.listTx());
    row(md, "content root", d.contentRoot());
    row(md, "shares root", d.sharesRoot());
    row(md, "total shares", d.totalShares());
    row(md, "anchor batch ids", d.batchIds());
    row(md, "payment token", d.paymentToken());
    row(md, "price (token units)", d.price());
    row(md, "platform fee (basis points)", d.feeBps());

    md.append("\n## Terms\n\nEvery contribution was signed under terms `").append(d.termsHash())
        .append("` (keccak256 of the text), and its contributor's consent to them was valid on ConsentRegistry")
        .append(" when this version was built.\n\n");
    if (termsText != null) {
      md.append("> ").append(termsText.replace("\n", "\n> ")).append("\n\n");
    }
    md.append("A contributor who withdraws consent is left out of later versions; buyers of this version are told")
        .append(" through `GET /api/notices/me`. Data already licensed stays licensed.\n\n");

    md.append("## Quality\n\n");
    Map<String, Object> q = d.quality();
    md.append("- items: ").append(d.itemCount()).append(", aggregated label confidence at or above ")
        .append(fmt(d.confidenceBar())).append("\n");
    md.append("- mean confidence: ").append(fmt(q.get("meanConfidence"))).append("\n");
    md.append("- agreement (answers equal to the aggregated label): ").append(fmt(q.get("agreement"))).append("\n");
    md.append("- gold accuracy of the contributors (").append(q.getOrDefault("goldAnswers", 0))
        .append(" gold answers): ").append(fmt(q.get("goldAccuracy"))).append("\n");
    md.append("- label distribution: ").append(q.get("labelDistribution")).append("\n\n");

    md.append("## Shares\n\n").append(DatasetService.SHARES_RULE).append(".\n\n");

    md.append("## How to verify\n\n")
        .append("1. `DataMarketplace.dataset(").append(d.chainDatasetId() == null ? "<id>" : d.chainDatasetId())
        .append(")` on chain ").append(d.chainId()).append(" returns the content root and shares root above.\n")
        .append("2. Each export row lists its `leaves`: the EIP-712 digests of the signed contributions behind the")
        .append(" label. The OpenZeppelin StandardMerkleTree over all of them, type `bytes32`")
        .append(" (`StandardMerkleTree.of(digests.map(d => [d]), [\"bytes32\"]).root` with @openzeppelin/merkle-tree),")
        .append(" equals the content root.\n")
        .append("3. Each digest is a leaf of an anchor batch whose root is stored on ProvenanceRegistry")
        .append(" (batch ids above).\n")
        .append("4. `ConsentRegistry.wasValidAt(contributor, terms, t)` answers for any contributor and time.\n")
        .append("5. All of it at once, against the chain only: fetch the audit bundle `GET /api/datasets/").append(d.id())
        .append("/audit-bundle` and run `scripts/labelledger audit --rpc URL --bundle FILE` (or the web app's Audit")
        .append(" page).\n");
    return md.toString();
  }

  private static void row(StringBuilder md, String what, Object value) {
    md.append("| ").append(what).append(" | ").append(value == null ? "-" : "`" + value + "`").append(" |\n");
  }

  private static String fmt(Object value) {
    return value instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "n/a";
  }
}
