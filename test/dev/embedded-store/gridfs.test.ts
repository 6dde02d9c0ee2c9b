import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GridFSBucket, MongoClient, type ObjectId } from "mongodb";
import { startTestDatabase, type TestDatabase } from "../../support/database";

let database: TestDatabase;
let client: MongoClient;
let bucket: GridFSBucket;

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
  bucket = new GridFSBucket(client.db(), { bucketName: "evidence" });
});
afterAll(async () => {
  await client.close();
  await database.stop();
});

async function upload(name: string, content: Buffer): Promise<ObjectId> {
  const stream = bucket.openUploadStream(name, { metadata: { contentType: "image/jpeg" } });
  await pipeline(Readable.from([content]), stream);
  return stream.id;
}

async function download(id: ObjectId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bucket.openDownloadStream(id)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test("when a 5 MB file is uploaded and downloaded, then the bytes are identical", async () => {
  const content = randomBytes(5 * 1024 * 1024);

  const id = await upload("photo.jpg", content);
  const downloaded = await download(id);

  expect(downloaded.length).toBe(content.length);
  expect(downloaded.equals(content)).toBe(true);
});

test("when a file is uploaded, then its files entry records length and metadata", async () => {
  const id = await upload("note.txt", Buffer.from("hello"));

  const [file] = await bucket.find({ _id: id }).toArray();

  expect(file).toMatchObject({ filename: "note.txt", length: 5, metadata: { contentType: "image/jpeg" } });
});

test("when a file is deleted, then its chunks are gone too", async () => {
  const id = await upload("gone.bin", randomBytes(600 * 1024));

  await bucket.delete(id);

  await expect(client.db().collection("evidence.chunks").countDocuments({ files_id: id })).resolves.toBe(0);
  await expect(bucket.find({ _id: id }).toArray()).resolves.toEqual([]);
});

test("when uploading, then the driver's GridFS indexes exist", async () => {
  await upload("indexed.bin", Buffer.from("x"));

  const chunkIndexes = await client.db().collection("evidence.chunks").listIndexes().toArray();

  expect(chunkIndexes).toContainEqual(expect.objectContaining({ key: { files_id: 1, n: 1 }, unique: true }));
});
