import { z } from 'zod';

/** The tones a tenant can pick; `custom` uses the persona's `customInstructions`. */
export type PersonaTone = 'friendly' | 'professional' | 'concise' | 'custom';

const TONE_ALIASES: Record<string, PersonaTone> = {
  friendly: 'friendly',
  'thân thiện': 'friendly',
  'than thien': 'friendly',
  professional: 'professional',
  'chuyên nghiệp': 'professional',
  'chuyen nghiep': 'professional',
  concise: 'concise',
  'ngắn gọn': 'concise',
  'ngan gon': 'concise',
  custom: 'custom',
  'tùy chỉnh': 'custom',
};

/** Accepts the tone ids and their Vietnamese names ("thân thiện", "chuyên nghiệp", "ngắn gọn"). */
export const personaToneSchema = z
  .string()
  .transform((value, context) => {
    const tone = TONE_ALIASES[value.normalize('NFC').trim().toLowerCase()];
    if (!tone) {
      context.addIssue({ code: 'custom', message: `Unknown tone "${value}" (giọng điệu không hợp lệ)` });
      return z.NEVER;
    }
    return tone;
  });

/** The persona options a tenant sets: how the bot presents itself and when it hands over. */
export const personaSchema = z
  .object({
    /** The bot's name ("Mai"). */
    name: z.string().trim().min(1).max(60).default('Trợ lý ảo'),
    /** The business it speaks for ("Shop Hoa Mai"). */
    businessName: z.string().trim().max(120).optional(),
    tone: personaToneSchema.default('friendly'),
    /** Extra instructions, used with tone `custom` (and appended otherwise). */
    customInstructions: z.string().trim().max(2000).optional(),
    greeting: z.string().trim().max(500).default('Xin chào! Em có thể giúp gì cho anh/chị ạ?'),
    /** Sent when the knowledge has nothing relevant. */
    fallbackText: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .default('Dạ, em chưa có thông tin về câu hỏi này. Anh/chị có muốn gặp nhân viên tư vấn không ạ?'),
    /** Sent when the conversation is handed to a person. */
    handoffText: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .default('Dạ, em đã chuyển cuộc trò chuyện tới nhân viên tư vấn, anh/chị vui lòng chờ trong giây lát ạ.'),
    /** Phrases that ask for a person, matched without accents or case. */
    handoffKeywords: z
      .array(z.string().trim().min(2).max(80))
      .max(50)
      .default(['gặp nhân viên', 'người thật', 'nhân viên tư vấn', 'gặp người', 'tư vấn viên', 'nói chuyện với người']),
    /** Reply to a thank-you that asks nothing. */
    thanksText: z.string().trim().min(1).max(500).default('Dạ, em cảm ơn anh/chị ạ! Anh/chị cần gì thêm cứ nhắn em nhé.'),
    /** Label of the quick reply that offers a person. */
    handoffLabel: z.string().trim().min(1).max(40).default('Gặp nhân viên'),
    /** Default answer language when the customer's is unclear (BCP 47), Vietnamese by default. */
    language: z.string().trim().min(2).max(10).default('vi'),
  })
  .strict();

/** A persona as given (every field optional). */
export type PersonaInput = z.input<typeof personaSchema>;
/** A persona with defaults applied. */
export type Persona = z.output<typeof personaSchema>;

const TONE_INSTRUCTIONS: Record<Exclude<PersonaTone, 'custom'>, string> = {
  friendly: 'Giọng thân thiện, ấm áp, xưng "em" và gọi khách là "anh/chị".',
  professional: 'Giọng chuyên nghiệp, lịch sự, rõ ràng, xưng "chúng tôi" và gọi khách là "quý khách".',
  concise: 'Trả lời thật ngắn gọn, đi thẳng vào ý chính, tối đa 2 câu.',
};

/** The tone line of the system prompt. */
export function toneInstruction(persona: Persona): string {
  const base = persona.tone === 'custom' ? '' : TONE_INSTRUCTIONS[persona.tone];
  return [base, persona.customInstructions].filter(Boolean).join(' ');
}
