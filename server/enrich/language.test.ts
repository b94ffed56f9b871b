import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language';

describe('detectLanguage', () => {
  it.each([
    ['en', 'Hi, my flight was cancelled and I need to rebook as soon as possible please'],
    ['es', 'Hola, mi vuelo fue cancelado y necesito cambiar la reserva lo antes posible'],
    ['fr', 'Bonjour, mon vol a été annulé et je dois changer ma réservation rapidement'],
    ['de', 'Hallo, mein Flug wurde gestrichen und ich muss so schnell wie möglich umbuchen'],
    ['pt', 'Olá, o meu voo foi cancelado e preciso de remarcar o mais rápido possível'],
    ['it', 'Ciao, il mio volo è stato cancellato e devo riprenotare il prima possibile'],
    ['nl', 'Hallo, mijn vlucht is geannuleerd en ik moet zo snel mogelijk omboeken'],
  ])('recognises %s in a support request', (code, text) => {
    expect(detectLanguage(text)).toBe(code);
  });

  // franc alone reads these as Dutch, Portuguese and Portuguese.
  it.each([
    ['en', 'where is my package?? been waiting 2 weeks'],
    ['es', 'Mi pedido no ha llegado todavía, ¿qué pasa?'],
    ['it', "Dov'è il mio pacco? Aspetto da due settimane"],
    ['pt', 'Onde está a minha encomenda? Estou à espera há semanas'],
  ])('settles close calls on short posts by function words (%s)', (code, text) => {
    expect(detectLanguage(text)).toBe(code);
  });

  it("answers 'und' for a language we do not route on", () => {
    expect(detectLanguage('Здравствуйте, мой рейс отменили, мне нужно срочно поменять билет')).toBe('und');
    expect(detectLanguage('こんにちは、フライトがキャンセルされました。予約を変更したいです。')).toBe('und');
  });

  it("answers 'und' for short texts and for posts that are only handles, tags and links", () => {
    expect(detectLanguage('')).toBe('und');
    expect(detectLanguage('Gracias!')).toBe('und');
    expect(detectLanguage('thanks for the help')).toBe('und');
    expect(detectLanguage('@united @delta #fail #fail https://t.co/Ab3xYz9 12345678')).toBe('und');
  });

  it('ignores handles and links when judging the language', () => {
    expect(
      detectLanguage('@SwitchboardHelp @united https://t.co/Ab3xYz9 mi vuelo fue cancelado y nadie me responde'),
    ).toBe('es');
  });
});

describe('function words settle what trigrams get wrong', () => {
  it('reads a short English question that franc ranks French as English', () => {
    expect(detectLanguage('a quiet question about seats: can I choose mine online before check-in?')).toBe('en');
  });
});
