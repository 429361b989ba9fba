/** Browser actions pages trigger, in one object so component tests can replace them. */
export const browser = {
  /** Leaves the dashboard for a payment gateway's page. */
  redirect(url: string): void {
    window.location.assign(url);
  },
  /** Saves a blob as a file through a temporary link. */
  saveBlob(blob: Blob, filename: string): void {
    const url = URL.createObjectURL(blob);
    try {
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
    } finally {
      setTimeout(() => URL.revokeObjectURL(url), 1_000);
    }
  },
};
