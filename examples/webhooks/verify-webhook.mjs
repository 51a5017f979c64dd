// Verify a kurzum webhook in Node with the built-in crypto module only.
// Usage in a handler: const event = verifyWebhook(process.env.KURZUM_WEBHOOK_SECRET, req.headers, rawBody);
import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyWebhook(secret, headers, rawBody, toleranceSeconds = 300) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) throw new Error("missing webhook headers");
  if (!(Math.abs(Date.now() / 1000 - Number(timestamp)) <= toleranceSeconds)) {
    throw new Error("webhook timestamp too old or too new");
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key)
    .update(`${id}.${timestamp}.`)
    .update(Buffer.from(rawBody))
    .digest();
  for (const entry of signatures.split(" ")) {
    const [version, signature] = entry.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    if (version === "v1" && given.length === expected.length && timingSafeEqual(given, expected)) {
      return JSON.parse(Buffer.from(rawBody).toString("utf8"));
    }
  }
  throw new Error("no valid webhook signature");
}

// Command line: echo '{"secret": …, "headers": {…}, "body": "…"}' | node verify-webhook.mjs
if (import.meta.url === `file://${process.argv[1]}`) {
  let input = "";
  process.stdin.on("data", (chunk) => (input += chunk));
  process.stdin.on("end", () => {
    const { secret, headers, body } = JSON.parse(input);
    try {
      const event = verifyWebhook(secret, headers, body);
      console.log(`${event.type} ${headers["webhook-id"]}`);
    } catch (error) {
      console.error(error.message);
      process.exit(1);
    }
  });
}
