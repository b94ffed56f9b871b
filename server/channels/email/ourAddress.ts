import addressparser from 'nodemailer/lib/addressparser';

/** The company's own mailbox, from EMAIL_FROM ("Skyward Air Support <support@skywardair.example>"). */
export interface OurAddress {
  name: string | null;
  /** Lowercased. */
  address: string;
  /** The domain our Message-IDs are minted under. */
  domain: string;
}

export function ourAddress(emailFrom: string): OurAddress {
  const first = addressparser(emailFrom, { flatten: true })[0];
  const address = first?.address?.trim().toLowerCase() ?? '';
  const at = address.lastIndexOf('@');
  if (!first || at < 1 || at === address.length - 1) {
    throw new Error(
      `EMAIL_FROM is not an email address: "${emailFrom}". Set it like "Skyward Air Support <support@skywardair.example>".`,
    );
  }
  return { name: first.name.trim() || null, address, domain: address.slice(at + 1) };
}
