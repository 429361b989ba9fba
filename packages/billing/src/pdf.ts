/** @agent-chatbot/billing/pdf — Vietnamese invoice PDFs (pdfkit + DejaVu Sans). */
export { renderInvoicePdf, vietnameseFontPath, type InvoiceForPdf, type InvoicePdfOptions } from './invoice-pdf';
