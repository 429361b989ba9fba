import type { RetrievedChunkV1 } from '../../retriever/v1';
import { MockLanguageModelV1, MockRetrieverV1, type MockChunk } from '../../test';
import { coverage, topicTokens } from '../text-similarity';

/** A small clothing shop's knowledge: FAQ entries, product rows and document passages. */
export const SHOP_CHUNKS: MockChunk[] = [
  faq('faq-hours', 'Shop mở cửa mấy giờ?', 'Dạ, shop mở cửa từ 8h đến 21h tất cả các ngày trong tuần ạ.'),
  faq('faq-ship-hn', 'Giao hàng Hà Nội mất mấy ngày?', 'Dạ, nội thành Hà Nội shop giao trong 1–2 ngày, phí ship 20.000đ ạ.'),
  faq('faq-ship-province', 'Giao hàng đi tỉnh mất bao lâu?', 'Dạ, các tỉnh khác shop giao trong 3–5 ngày qua GHTK, phí ship 30.000đ ạ.'),
  faq('faq-return', 'Chính sách đổi trả như thế nào?', 'Dạ, shop nhận đổi trả trong 7 ngày nếu sản phẩm còn tem mác và chưa qua sử dụng ạ.'),
  faq('faq-payment', 'Shop nhận thanh toán bằng hình thức nào?', 'Dạ, shop nhận COD, chuyển khoản Vietcombank và ví MoMo ạ.'),
  faq('faq-address', 'Địa chỉ cửa hàng ở đâu?', 'Dạ, cửa hàng ở số 12 Hàng Bạc, Hoàn Kiếm, Hà Nội ạ.'),
  faq('faq-warranty', 'Túi da có bảo hành không?', 'Dạ, túi da được bảo hành đường may 6 tháng ạ.'),
  faq('faq-wholesale', 'Shop có bán sỉ không?', 'Dạ có, shop bán sỉ từ 10 sản phẩm, giảm 15% ạ.'),
  {
    id: 'product-ao-thun',
    sourceId: 'catalog',
    text: 'Áo thun cotton Hoa Mai. Giá 150.000đ. Còn 25 chiếc. Áo thun 100% cotton, size S–XL, màu trắng, đen, be.',
    metadata: { kind: 'product', name: 'Áo thun cotton Hoa Mai', price_vnd: 150_000, stock: 25, description: 'Áo thun 100% cotton, size S–XL, màu trắng, đen, be.' },
  },
  {
    id: 'product-tui-da',
    sourceId: 'catalog',
    text: 'Túi da bò mini. Giá 890.000đ. Tạm hết hàng. Túi da bò thật, khóa kim loại, dây đeo chéo.',
    metadata: { kind: 'product', name: 'Túi da bò mini', price_vnd: 890_000, stock: 0, description: 'Túi da bò thật, khóa kim loại, dây đeo chéo.' },
  },
  {
    id: 'doc-size',
    sourceId: 'size-guide.pdf',
    text:
      'Bảng size áo thun: size S cho người 45–50kg, size M cho 50–57kg, size L cho 57–65kg, size XL cho 65–75kg. ' +
      'Nếu cân nặng ở giữa hai size, shop khuyên chọn size lớn hơn để mặc thoải mái. Áo thun cotton co lại khoảng 2% sau lần giặt đầu.',
    metadata: { title: 'Hướng dẫn chọn size' },
  },
  {
    id: 'doc-care',
    sourceId: 'care-guide.docx',
    text:
      'Hướng dẫn bảo quản áo thun cotton và túi da. Áo thun nên giặt bằng nước lạnh, lộn trái áo trước khi giặt, không dùng thuốc tẩy, ' +
      'phơi nơi thoáng mát tránh ánh nắng trực tiếp để giữ màu. Có thể giặt máy ở chế độ nhẹ, không vắt quá mạnh. ' +
      'Túi da nên lau bằng khăn mềm hơi ẩm, không ngâm nước, bôi kem dưỡng da mỗi tháng một lần, cất trong túi vải khi không dùng. ' +
      'Khi túi da bị ướt, lau khô ngay và để khô tự nhiên, không sấy bằng máy sấy tóc vì da sẽ bị nứt. ' +
      'Không để túi da gần nguồn nhiệt hoặc trong cốp xe nóng. Vết bẩn dầu mỡ trên túi da nên mang đến cửa hàng để được vệ sinh miễn phí. ' +
      'Áo thun in hình không nên là trực tiếp lên hình in, hãy lộn trái khi là ở nhiệt độ thấp. ' +
      'Bảo quản áo thun trong tủ khô ráo, có thể dùng túi chống ẩm vào mùa nồm ở miền Bắc.',
    metadata: { title: 'Hướng dẫn bảo quản' },
  },
];

function faq(id: string, question: string, answer: string): MockChunk {
  return { id, sourceId: 'faq.csv', text: `Hỏi: ${question}\nĐáp: ${answer}`, metadata: { kind: 'faq', question, answer } };
}

/**
 * A retriever over chunks per namespace that behaves like the rag package's lexical retriever:
 * accent-insensitive, abbreviation- and synonym-aware; chunks sharing no topic word are dropped.
 */
export function createShopRetriever(namespaces: Record<string, ReadonlyArray<MockChunk>> = { 'shop-a': SHOP_CHUNKS }): MockRetrieverV1 {
  return new MockRetrieverV1({
    doRetrieve: ({ namespace, query, topK }) => {
      const queryTokens = topicTokens(query);
      const chunks: RetrievedChunkV1[] = (namespaces[namespace] ?? [])
        .map((chunk) => ({
          id: chunk.id,
          sourceId: chunk.sourceId ?? chunk.id,
          text: chunk.text,
          metadata: chunk.metadata ?? {},
          score: coverage(queryTokens, topicTokens(chunk.text)),
        }))
        .filter((chunk) => chunk.score > 0)
        .sort((left, right) => right.score - left.score)
        .slice(0, topK);
      return { chunks, warnings: [] };
    },
  });
}

/** Cheap and premium mock models in the OpenAI naming, answering with `answer(prompt text)`. */
export function createTierModels(answer: (tier: 'cheap' | 'premium', lastUserMessage: string) => string = (tier) => `Dạ, đây là câu trả lời (${tier}).`) {
  const last = (prompt: ReadonlyArray<{ role: string; content: string }>) => prompt.at(-1)?.content ?? '';
  return {
    cheap: new MockLanguageModelV1({ provider: 'openai.chat', modelId: 'gpt-4o-mini', doGenerate: ({ prompt }) => answer('cheap', last(prompt)) }),
    premium: new MockLanguageModelV1({ provider: 'openai.chat', modelId: 'gpt-4o', doGenerate: ({ prompt }) => answer('premium', last(prompt)) }),
  };
}

/** VND per million tokens, close to list prices at 26,000 VND/USD. */
export const TEST_PRICES = {
  'openai:gpt-4o-mini': { inputVndPerMillionTokens: 3_900, outputVndPerMillionTokens: 15_600 },
  'openai:gpt-4o': { inputVndPerMillionTokens: 65_000, outputVndPerMillionTokens: 260_000 },
  'backup:gpt-4o-mini': { inputVndPerMillionTokens: 3_900, outputVndPerMillionTokens: 15_600 },
};
