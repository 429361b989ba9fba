import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { clearInputs, parseTags, useValidatedForm } from './forms';

const schema = z.object({ name: z.string().trim().min(1, 'validation.required') });

/** A one-field form using the hook; shows the error key it gets. */
function NameForm({ onValid }: { onValid: (data: { name: string }, form: HTMLFormElement) => void }) {
  const { errors, submit } = useValidatedForm(schema, onValid);
  return (
    <form aria-label="f" noValidate onSubmit={submit}>
      <label htmlFor="name">Tên</label>
      <input id="name" name="name" />
      {errors['name'] ? <p role="alert">{errors['name']}</p> : null}
      <button type="submit">Gửi</button>
    </form>
  );
}

describe('useValidatedForm', () => {
  it('shows the field errors and calls nothing while the values fail, then passes the parsed values and the form', async () => {
    const user = userEvent.setup();
    const onValid = vi.fn();
    render(<NameForm onValid={onValid} />);
    await user.click(screen.getByRole('button', { name: 'Gửi' }));
    expect(screen.getByRole('alert').textContent).toBe('validation.required');
    expect(onValid).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText('Tên'), '  Lan  ');
    await user.click(screen.getByRole('button', { name: 'Gửi' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onValid).toHaveBeenCalledTimes(1);
    expect(onValid.mock.calls[0]![0]).toEqual({ name: 'Lan' });
    expect(onValid.mock.calls[0]![1]).toBe(screen.getByRole('form', { name: 'f' }));
  });
});

describe('form helpers', () => {
  it('splits tags on commas', () => {
    expect(parseTags(' VIP, khách sỉ ,, Đã mua')).toEqual(['VIP', 'khách sỉ', 'Đã mua']);
    expect(parseTags('')).toEqual([]);
  });

  it('empties only the named inputs', () => {
    document.body.innerHTML = '<form><input name="api_key" value="sk-1"><input name="base_url" value="https://x"></form>';
    const form = document.querySelector('form')!;
    clearInputs(form, ['api_key', 'missing']);
    expect((form.elements.namedItem('api_key') as HTMLInputElement).value).toBe('');
    expect((form.elements.namedItem('base_url') as HTMLInputElement).value).toBe('https://x');
  });
});
