package io.labelledger.dataset;

import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.boxes.BoxesType;
import io.labelledger.answer.pairwise.PairwiseType;
import io.labelledger.answer.spans.BioTags;
import io.labelledger.answer.spans.SpansType;
import io.labelledger.answer.upload.UploadType;
import io.labelledger.chain.Deployment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Renders a version's dataset card: what it is, where it is on-chain, its terms, quality, and how to check it. */
final class DatasetCard {
  private DatasetCard() {}

  static String render(DatasetService.DatasetView d, String termsText, List<String> labels,
      Optional<Deployment> deployment) {
    return render(d, termsText, labels, deployment, DatasetExporter.LeftOut.NONE);
  }

  static String render(DatasetService.DatasetView d, String termsText, List<String> labels,
      Optional<Deployment> deployment, DatasetExporter.LeftOut erased) {
    StringBuilder md = new StringBuilder();
    frontMatter(md, d);
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
    if (d.taskType().equals(UploadType.NAME)) {
      md.append("Withdrawn consent erases the files: the contributor's files are deleted from the store and every")
          .append(" export of every version leaves their contributions out (the headers `")
          .append(DatasetExporter.LEFT_OUT_CONTRIBUTIONS).append("` and `").append(DatasetExporter.LEFT_OUT_ITEMS)
          .append("` of an export say how many). Left out of this version so far: ")
          .append(erased.contributions()).append(" contribution(s), ").append(erased.items())
          .append(" item(s) with no file left.\n\n");
    }

    md.append("## Quality\n\n");
    Map<String, Object> q = d.quality();
    md.append("- items: ").append(d.itemCount()).append(", aggregated label confidence at or above ")
        .append(fmt(d.confidenceBar())).append("\n");
    md.append("- mean confidence: ").append(fmt(q.get("meanConfidence"))).append("\n");
    md.append("- agreement (answers equal to the aggregated label): ").append(fmt(q.get("agreement"))).append("\n");
    md.append("- gold accuracy of the contributors (").append(q.getOrDefault("goldAnswers", 0))
        .append(" gold answers): ").append(fmt(q.get("goldAccuracy"))).append("\n");
    md.append("- label distribution: ").append(q.get("labelDistribution")).append("\n\n");
    columns(md, d, labels);

    md.append("## Shares\n\n").append(d.sharesRule()).append(".\n\n");

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
        .append("/audit-bundle` and run `java -jar labelledger-audit.jar --rpc URL --bundle FILE` (the verifier")
        .append(" jar published with LabelLedger's releases; it needs Java 17 and nothing else),")
        .append(" `scripts/labelledger audit` in a checkout, or the web app's Audit page.\n");
    if (d.taskType().equals(UploadType.NAME)) {
      md.append("\n### Checking a file\n\n")
          .append("The files come with `?format=webdataset` (a tar: `<key>.json` then `<key>.<ext>` per file), or")
          .append(" `?format=audiofolder` / `?format=imagefolder` (a zip: `metadata.jsonl` beside the files). Each file's")
          .append(" metadata holds the signed fields of its contribution. For each file:\n\n")
          .append("1. keccak256 of the file's bytes equals `file`, and its length `bytes`;\n")
          .append("2. `answer` is the canonical JSON `{\"bytes\":N,\"file\":\"0x…\",\"mediaType\":\"…\"}` of those")
          .append(" three fields: exactly what the contributor signed;\n")
          .append("3. the EIP-712 `Contribution(contributor, campaignId, itemId, answer, termsHash, submittedAt)` under")
          .append(" ProvenanceRegistry's domain (`GET /api/eip712`), with `answer` hashed as keccak256 (EIP-712's rule")
          .append(" for strings), gives `digest`;\n")
          .append("4. `digest` is one of the row's `leaves` (so it is under the content root above), and")
          .append(" `GET /api/proofs/{digest}` gives its leaf's Merkle proof to a root anchored on ProvenanceRegistry")
          .append(" (`verifyInclusion`).\n");
    }
    return md.toString();
  }

  /**
   * Hugging Face dataset card metadata (YAML front matter), so the export loads and lists as a Hugging
   * Face dataset: the licence is the campaign's terms (not an SPDX licence, so {@code other}, named by
   * their hash), the task category of the answer type, the size category, and the export files.
   */
  static void frontMatter(StringBuilder md, DatasetService.DatasetView d) {
    String file = "dataset-" + d.id() + "-v" + d.version();
    md.append("---\n")
        .append("pretty_name: ").append(yamlString(d.name())).append('\n')
        .append("license: other\n")
        .append("license_name: labelledger-terms-").append(d.termsHash().substring(2, 14)).append('\n')
        .append("license_link: /api/terms/").append(d.termsHash()).append('\n')
        .append("task_categories:\n- ").append(AnswerTypes.of(d.taskType()).taskCategory()).append('\n')
        .append("size_categories:\n- ").append(sizeCategory(d.itemCount())).append('\n')
        .append("tags:\n- labelledger\n- crowdsourced\n- provenance\n- ").append(d.taskType().replace('_', '-'))
        .append('\n')
        .append("configs:\n- config_name: default\n  data_files: ").append(file).append(".jsonl\n");
    if (d.taskType().equals(PairwiseType.NAME)) {
      md.append("- config_name: dpo\n  data_files: ").append(file).append(".dpo.jsonl\n");
    }
    md.append("---\n\n");
  }

  /** What each export row holds, for the version's answer type. */
  static void columns(StringBuilder md, DatasetService.DatasetView d, List<String> labels) {
    md.append("## Columns\n\nTask type `").append(d.taskType()).append("`. Every row (JSONL and Parquet): `itemId`, `item`")
        .append(" (the item's id), `data` (the item as uploaded), `label` (the aggregated answer: the label itself")
        .append(" for single choice, else the canonical JSON of the aggregate), `confidence`, ");
    md.append("the aggregate as typed columns (multi_choice: `labels`, a list of tags; rating: `rating`, a number on")
        .append(" the scale; free_text: `text`; pairwise: `choice`, a or b for `data.a` or `data.b`, or tie; spans: `spans`,"
            + " `tokens`, `ner_tags`; boxes: `boxes`), and")
        .append(" `leaves` (the EIP-712 digests of the signed contributions behind the label).\n\n");
    if (d.taskType().equals(SpansType.NAME)) {
      md.append("Spans: `spans` lists the aggregated entities, each `start` and `end` in Unicode code points of")
          .append(" `data.text` (`[start, end)`, as Python indexes a `str`), its `label` and `confidence`. For token")
          .append(" classification (Hugging Face `tokens`/`ner_tags`, CoNLL), `tokens` are the text's whitespace")
          .append(" tokens (what Python's `str.split()` gives) and `ner_tags` their BIO tags: a token that shares a")
          .append(" code point with an entity is tagged `B-<label>` if it is the entity's first, else `I-<label>`;")
          .append(" any other `O`. Tags, in order: ").append(BioTags.names(labels).stream().map(t -> "`" + t + "`")
              .collect(Collectors.joining(", "))).append(".\n\n");
    }
    if (d.taskType().equals(BoxesType.NAME)) {
      md.append("Boxes: `boxes` lists the aggregated boxes, each `x`, `y` (top-left corner), `w`, `h` in pixels of")
          .append(" the image (`data.image`, `data.width` × `data.height`), its `label` and `confidence`. The same")
          .append(" version as one COCO object-detection file: `?format=coco` (`categories` are the labels from id")
          .append(" 1; an image's `id` is the row's `itemId`, `file_name` its URL's last segment, `coco_url` the URL,")
          .append(" and `labelledger.leaves` its digests; each box is an annotation with `bbox` `[x, y, w, h]`,")
          .append(" `area`, `iscrowd` 0 and `score` its confidence).\n\n");
    }
    if (d.taskType().equals(PairwiseType.NAME)) {
      md.append("The `dpo` configuration")
          .append(" (`?format=dpo`) has the rows TRL's DPO trainer loads: `prompt`, `chosen`, `rejected`, with the")
          .append(" aggregate's `confidence`; ties are left out.\n\n");
    }
  }

  /** Hugging Face's size buckets. */
  static String sizeCategory(long n) {
    String[] names = {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B"};
    int bucket = 0;
    for (long limit = 1_000; n >= limit && bucket < names.length - 1; limit *= 10) {
      bucket++;
    }
    return names[bucket];
  }

  private static String yamlString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
  }

  private static void row(StringBuilder md, String what, Object value) {
    md.append("| ").append(what).append(" | ").append(value == null ? "-" : "`" + value + "`").append(" |\n");
  }

  private static String fmt(Object value) {
    return value instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "n/a";
  }
}
