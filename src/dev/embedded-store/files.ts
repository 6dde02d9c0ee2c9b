import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Writes a file so that a crash leaves either the old or the new version, never a torn one:
 * temp file in the same directory, fsync, rename over the target, fsync the directory.
 * `write` receives the open temp file and may write it in as many pieces as it likes.
 */
export async function writeFileAtomically(
  path: string,
  write: (file: FileHandle) => Promise<void>,
): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  // Owner-only: demo data may still be personal data.
  const file = await open(temp, "w", 0o600);
  try {
    await write(file);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes a file's creation, rename or removal in `directory` durable. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the change is then as durable as the OS makes it.
  } finally {
    await handle?.close();
  }
}

/** Temp files a crash left behind by `writeFileAtomically` are recognised by this suffix. */
export const TEMP_SUFFIX = ".tmp";
