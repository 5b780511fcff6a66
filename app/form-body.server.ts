// The body of an admin form post, or the reason it is refused as a Response
// to throw: a JSON, empty, oversized or broken body is the client's mistake
// (4xx with a message), never an exception from request.formData() (a 500).

// The largest valid form (20 tiers with 500-character perks, percent-encoded)
// is under 200 KB.
export const FORM_BODY_LIMIT_BYTES = 512 * 1024;

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

export async function readForm(request: Request): Promise<Record<string, FormDataEntryValue>> {
  const type = request.headers.get("Content-Type")?.split(";")[0]!.trim().toLowerCase() ?? "";
  if (!FORM_TYPES.includes(type)) {
    throw refusal(415, "Send the form as application/x-www-form-urlencoded or multipart/form-data.");
  }
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > FORM_BODY_LIMIT_BYTES) throw refusal(413, "The form is too large.");
  const body = await readAtMost(request, FORM_BODY_LIMIT_BYTES);
  let form: FormData;
  try {
    form = await new Response(body, {
      headers: { "Content-Type": request.headers.get("Content-Type")! },
    }).formData();
  } catch {
    throw refusal(400, "The form could not be read; reload the page and try again.");
  }
  return Object.fromEntries(form);
}

// Counted as it arrives: Content-Length may be absent (chunked) or a lie.
async function readAtMost(request: Request, limit: number): Promise<Blob> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader!.cancel();
      throw refusal(413, "The form is too large.");
    }
    chunks.push(read.value);
  }
  return new Blob(chunks);
}

function refusal(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
